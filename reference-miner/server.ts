import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { parseMinerConfig, type MinerConfig, type MinerOverrides } from './config.ts';
import { jsonInvalidDetail } from './fastapi-validation.ts';
import { Faults } from './faults.ts';
import { answerBytes, answerJson, readBody } from './http-io.ts';
import { isoNow } from './iso-now.ts';
import type { Job } from './job-record.ts';
import { JobQueue } from './job-queue.ts';
import { JobStore } from './job-store.ts';
import { openApiDocument } from './openapi.ts';
import { runJob, type JobContext } from './run-job.ts';
import { admitEdit } from './submit-edit.ts';

const VERSION = '1.0.0';

export type RunningMiner = { url: string; config: MinerConfig; close(): Promise<void> };

/** Starts the reference miner; settings not given take the real miner's defaults (not the environment). */
export async function startReferenceMiner(overrides: MinerOverrides = {}, log: (line: string) => void = () => {}): Promise<RunningMiner> {
  const config = parseMinerConfig(overrides);
  const faults = new Faults(config.faults);
  const store = new JobStore(config.jobRecordTtlSeconds * 1000);
  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  const pause = (ms: number) =>
    ms <= 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const entry = { timer: setTimeout(() => (pending.delete(entry), resolve()), ms), resolve };
          pending.add(entry);
        });
  const server = createServer();
  let serviceUrl = '';
  const context = (): JobContext => ({
    store,
    faults,
    outputDir: config.outputDir,
    serviceUrl,
    editLatencyMs: config.editLatencyMs,
    callbackTimeoutMs: config.callbackTimeoutSeconds * 1000,
    pause,
    log,
  });
  const queue = new JobQueue<Job>(config.inferenceWorkers, config.inferenceQueueMaxsize, (job) => runJob(job, context()));

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    route(request, response).catch((error: Error) => {
      if (faults.has('bad-image-500')) {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`Traceback (most recent call last):\n  File "miner_server.py", line 412, in edit\nPIL.UnidentifiedImageError: ${error.message}`);
        return;
      }
      if (!response.headersSent) answerJson(response, 400, { detail: error.message });
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://miner');
    const method = request.method ?? 'GET';
    const [, first, second, third] = url.pathname.split('/');
    const get = method === 'GET' || method === 'HEAD';
    if (url.pathname === '/' && get)
      return answerJson(response, 200, { name: 'Kontext reference miner', version: VERSION, endpoints: ['/health', '/edit', '/edit/status/{job_id}', '/edit/result/{job_id}', '/images/edits/{job_id}.png', '/jobs', '/openapi.json'] });
    if (url.pathname === '/health' && get) return answerJson(response, 200, health());
    if (url.pathname === '/openapi.json' && get) return answerJson(response, 200, openApiDocument(VERSION));
    if (url.pathname === '/jobs' && get) return answerJson(response, 200, { jobs: store.list().map((j) => j.record) });
    if (url.pathname === '/edit') return method === 'POST' ? submit(request, response) : answerJson(response, 405, { detail: 'Method Not Allowed' });
    if (first === 'edit' && second === 'status' && third && get) return status(decodeURIComponent(third), response);
    if (first === 'edit' && second === 'result' && third && get) return result(decodeURIComponent(third), response, true);
    if (first === 'images' && second === 'edits' && third?.endsWith('.png') && get) return result(decodeURIComponent(third.slice(0, -4)), response, false);
    return answerJson(response, 404, { detail: 'Not Found' });
  }

  function health() {
    return {
      status: 'healthy',
      timestamp: isoNow(),
      services: { inference: 'reference', kontext_edit: config.enableKontextEdit ? 'loaded' : 'disabled' },
      config: {
        inference_workers: config.inferenceWorkers,
        inference_queue_maxsize: config.inferenceQueueMaxsize,
        callback_timeout: config.callbackTimeoutSeconds,
        job_record_ttl_seconds: config.jobRecordTtlSeconds,
        edit_latency_ms: config.editLatencyMs,
        faults: faults.list(),
      },
    };
  }

  async function submit(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!config.enableKontextEdit) return answerJson(response, 503, { detail: 'Kontext editing is disabled (ENABLE_KONTEXT_EDIT=false)' });
    const raw = await readBody(request, config.maxBodyBytes);
    if (!raw) return answerJson(response, 413, { detail: `Request body exceeds ${config.maxBodyBytes} bytes` });
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return answerJson(response, 422, { detail: jsonInvalidDetail(error as Error) });
    }
    const admitted = await admitEdit(body, store, faults);
    if ('status' in admitted) return answerJson(response, admitted.status, admitted.body);
    store.put(admitted);
    await queue.add(admitted);
    const id = admitted.record.id;
    answerJson(response, 200, { accepted: true, job_id: id, status: 'queued', message: 'Edit job queued', status_url: `/edit/status/${id}`, result_url: `/edit/result/${id}` });
  }

  function status(id: string, response: ServerResponse): void {
    const job = store.get(id);
    if (job) return answerJson(response, 200, job.record);
    if (store.wasCleanedUp(id)) return answerJson(response, 200, { id, status: 'completed', note: 'job record cleaned up' });
    if (faults.has('unknown-id-200')) return answerJson(response, 200, { id, status: 'queued', queued_at: isoNow() });
    answerJson(response, 404, { detail: `Job ${id} not found` });
  }

  async function result(id: string, response: ServerResponse, api: boolean): Promise<void> {
    const job = store.get(id);
    const file = path.join(config.outputDir, 'edits', `${path.basename(id)}.png`);
    if (api && job && job.record.status !== 'completed') return answerJson(response, 400, { detail: `Job ${id} is ${job.record.status}, not completed` });
    if (faults.has('result-missing')) return answerJson(response, 404, { detail: `Result for ${id} not found` });
    const png = await readFile(file).catch(() => undefined);
    if (!png || (api && !job && !store.wasCleanedUp(id))) return answerJson(response, 404, { detail: `Result for ${id} not found` });
    answerBytes(response, 'image/png', faults.has('result-not-png') ? await sharp(png).jpeg().toBuffer() : png);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  serviceUrl = config.serviceUrl ?? `http://localhost:${port}`;
  return {
    url: `http://${host}:${port}`,
    config,
    close: async () => {
      queue.close();
      store.close();
      for (const entry of pending) (clearTimeout(entry.timer), entry.resolve());
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
