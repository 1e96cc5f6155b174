import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HEALTH_WITH_EDITING_ENABLED } from './stub-miner.ts';
import { minerAccepted } from '../../protocol/edit-job.ts';
import { sampleImage } from '../../lib/images/sample-image.ts';

/** How the stand-in falls ill once it has accepted an edit. */
export type Sickness =
  /** GET /edit/status is never answered: the request is held open until the server closes. */
  | 'hangs-on-status'
  /** The server stops listening right after answering the first POST /edit: every later call is refused. */
  | 'dies-after-first-edit'
  /**
   * Healthy through global setup's jobs (each completed at once, with no callback), then the server stops listening
   * right after answering the first POST /edit of a test: a miner that dies mid-run.
   */
  | 'dies-mid-run';

/** A test's own job: the suite names it e2e-<uuid>; global setup's are UUIDv7 (the orchestrator's) or e2e-setup-. */
const isTestJob = (jobId: string) => jobId.startsWith('e2e-') && !jobId.startsWith('e2e-setup-');

const OPENAPI = {
  openapi: '3.1.0',
  components: { schemas: { EditRequest: { properties: { prompt: {}, seed: {}, image_b64: {}, reference_job_id: {} } } } },
};

/** A miner that is healthy until its first edit, then falls ill: for how the suite behaves when a miner stops answering. */
export async function startSickMiner(sickness: Sickness): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => void answer(request, response));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const result = await sampleImage({ width: 64, height: 64 });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const body = await readBody(request);
    if (path === '/health') return json(response, 200, HEALTH_WITH_EDITING_ENABLED);
    if (path === '/openapi.json') return json(response, 200, JSON.stringify(OPENAPI));
    if (request.method === 'POST' && path === '/edit') {
      const jobId = String((JSON.parse(body || '{}') as { job_id?: string }).job_id ?? 'edit-stand-in');
      json(response, 200, JSON.stringify(minerAccepted(jobId)));
      const dies = sickness === 'dies-after-first-edit' || (sickness === 'dies-mid-run' && isTestJob(jobId));
      if (dies) response.on('finish', () => server.close());
      return;
    }
    if (sickness === 'dies-mid-run' && path.startsWith('/edit/status/'))
      return json(response, 200, JSON.stringify(completedRecord(decodeURIComponent(path.split('/').at(-1)!))));
    if (sickness === 'dies-mid-run' && path.startsWith('/edit/result/')) {
      response.writeHead(200, { 'content-type': 'image/png', connection: 'close' });
      return void response.end(result);
    }
    if (path.startsWith('/edit/status/') && sickness === 'hangs-on-status') return; // never answered
    json(response, 404, JSON.stringify({ detail: 'Not Found' }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => resolve(text));
  });
}

function json(response: ServerResponse, status: number, body: string): void {
  // No keep-alive: once the server stops listening, every later call needs a new connection and is refused.
  response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  response.end(body);
}

/** A job the stand-in finished at once, as its record says it. */
function completedRecord(jobId: string) {
  const now = new Date().toISOString();
  return {
    id: jobId,
    status: 'completed',
    queued_at: now,
    started_at: now,
    completed_at: now,
    result_url: `/edit/result/${jobId}`,
    request: {
      prompt: 'stand-in',
      seed: 1,
      guidance_scale: 4.0,
      num_inference_steps: 10,
      image_source: 'base64',
      callback_secret_provided: true,
    },
  };
}
