import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActivityLog } from './activity-log.ts';
import { parseMinerConfig, type MinerConfig, type MinerOverrides } from './config.ts';
import { Faults } from './faults.ts';
import { HandlerCrash } from './handler-crash.ts';
import { answerJson } from '../lib/http-io.ts';
import type { Job } from './job-record.ts';
import { JobQueue } from './job-queue.ts';
import { JobStore } from './job-store.ts';
import { Pauses } from './pauses.ts';
import { SharedUploadBuffer } from './callback-sender.ts';
import { createRoutes } from './routes.ts';
import { runJob } from './run-job.ts';
import { SickMiner } from './sick-miner.ts';

export type RunningMiner = { url: string; config: MinerConfig; close(): Promise<void> };

/**
 * Starts the reference miner; settings not given take the real miner's defaults (not the environment).
 * `onDeath` runs when the dies-mid-job fault strikes, after the listener is closed.
 */
export async function startReferenceMiner(
  overrides: MinerOverrides = {},
  log: (line: string) => void = () => {},
  onDeath: () => void = () => {},
): Promise<RunningMiner> {
  const config = parseMinerConfig(overrides);
  const faults = new Faults(config.faults);
  const store = new JobStore(config.jobRecordTtlSeconds * 1000);
  const pauses = new Pauses();
  const activity = new ActivityLog(config.inferenceWorkers, config.editLatencyMs, config.stepLatencyMs);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const sick = new SickMiner(faults, server, onDeath, pauses.untilClosed);
  const serviceUrl = config.serviceUrl ?? `http://localhost:${port}`;
  const jobContext = {
    store,
    activity,
    faults,
    outputDir: config.outputDir,
    serviceUrl,
    editLatencyMs: config.editLatencyMs,
    stepLatencyMs: config.stepLatencyMs,
    blocksWhileEditing: config.blocksWhileEditing,
    callbackHoldMs: config.callbackHoldSeconds * 1000,
    callbackTimeoutMs: config.callbackTimeoutSeconds * 1000,
    uploadBuffer: new SharedUploadBuffer(),
    editsServed: 0,
    pause: pauses.pause,
    editStarting: () => sick.editStarting(),
    log,
  };
  const queue = new JobQueue<Job>(config.inferenceWorkers, config.inferenceQueueMaxsize, (job, worker) => runJob(job, worker, jobContext));
  const route = createRoutes({ config, faults, store, queue, activity });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    if (sick.unresponsive) return; // hangs-mid-job: the connection stays open and unanswered
    route(request, response).catch((error: Error) => {
      if (error instanceof HandlerCrash && !response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error.traceback());
      } else if (!response.headersSent) answerJson(response, 400, { detail: error.message });
      else response.end();
    });
  });

  return {
    url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
    config,
    close: async () => {
      queue.close();
      store.close();
      pauses.endAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
