import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test as base, expect } from '@playwright/test';
import { MinerClient, MinerUnresponsive } from '../../fixtures/miner-client.ts';
import { minerAccepted } from '../../protocol/edit-job.ts';
import { releasedPort } from '../support/free-port.ts';

// Node and uvicorn close an idle keep-alive socket after 5 s; a request sent on it as it closes is lost
// before the miner reads it. These miners close the reused socket exactly then, every time, so the race
// the suite met one run in ten happens on every call here.

const JOB = 'job-1';
const EDIT = { job_id: JOB, prompt: 'p', seed: 1, image_b64: 'AA==' };
const ISO_TIME = /at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

type Drop = 'hang-up' | 'reset';
type Miner = { url: string; handled: string[]; connections: number; close: () => Promise<void> };

/**
 * A miner that answers the first request of each connection and drops the connection when a second
 * request comes on it (`reused`), or drops every request (`always`), or drops the connection after it
 * accepted the edit (`after-accepting`). Jobs it accepted answer 409 to a second POST, as a running job does.
 */
async function startDroppingMiner(when: 'reused' | 'always' | 'after-accepting', drop: Drop = 'hang-up'): Promise<Miner> {
  const served = new WeakSet<Socket>();
  const accepted = new Set<string>();
  const miner: Miner = { url: '', handled: [], connections: 0, close: async () => {} };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    if (when === 'always' || (when === 'reused' && served.has(socket))) return void cut(socket, drop);
    served.add(socket);
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      miner.handled.push(`${request.method} ${request.url}`);
      const json = (status: number, body: object) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method === 'POST') {
        const jobId = (JSON.parse(text) as { job_id: string }).job_id;
        if (accepted.has(jobId)) return json(409, { detail: `Job ${jobId} is still queued` });
        accepted.add(jobId);
        if (when === 'after-accepting') return void cut(socket, drop);
        return json(200, minerAccepted(jobId));
      }
      if (request.url === `/edit/status/${JOB}` && accepted.has(JOB)) return json(200, { id: JOB, status: 'queued' });
      return json(404, { detail: 'Not Found' });
    });
  });
  server.on('connection', () => miner.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  miner.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  miner.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return miner;
}

function cut(socket: Socket, drop: Drop): void {
  if (drop === 'reset') socket.resetAndDestroy();
  else socket.destroy();
}

const test = base.extend<{ clientOf: (url: string) => Promise<MinerClient>; unresponsive: string[] }>({
  unresponsive: async ({}, use) => use([]),
  clientOf: async ({ playwright, unresponsive }, use) => {
    const contexts: { dispose: () => Promise<void> }[] = [];
    await use(async (url) => {
      const api = await playwright.request.newContext();
      contexts.push(api);
      return new MinerClient(api, {
        minerUrl: url,
        httpTimeoutMs: 2_000,
        onUnresponsive: (error) => unresponsive.push(error.message),
      });
    });
    for (const api of contexts) await api.dispose();
  },
});

for (const drop of ['hang-up', 'reset'] as const) {
  test(`a GET on a reused keep-alive connection that the miner drops (${drop}) is retried, and the miner is not called dead`, async ({
    clientOf,
    unresponsive,
  }) => {
    const miner = await startDroppingMiner('reused', drop);
    try {
      const client = await clientOf(miner.url);
      expect((await client.getAnswer('/health')).status).toBe(404);
      expect((await client.getAnswer('/health')).status, 'the second call, on the reused socket').toBe(404);
      expect(miner.handled).toEqual(['GET /health', 'GET /health']);
      expect(miner.connections, 'the retry came on a new connection').toBe(2);
      expect(unresponsive).toEqual([]);
    } finally {
      await miner.close();
    }
  });
}

test('a POST /edit lost on a reused connection before the miner read it is sent again and accepted once', async ({
  clientOf,
  unresponsive,
}) => {
  const miner = await startDroppingMiner('reused', 'reset');
  try {
    const client = await clientOf(miner.url);
    await client.getAnswer('/health'); // leaves an idle keep-alive socket behind
    const accepted = await client.submit(EDIT);
    expect(accepted.job_id).toBe(JOB);
    expect(miner.handled).toEqual(['GET /health', 'POST /edit']);
    expect(unresponsive).toEqual([]);
  } finally {
    await miner.close();
  }
});

test('a POST /edit the miner accepted before the connection dropped counts as accepted when the retry meets 409', async ({
  clientOf,
  unresponsive,
}) => {
  const miner = await startDroppingMiner('after-accepting');
  try {
    const client = await clientOf(miner.url);
    const accepted = await client.submit(EDIT);
    expect(accepted).toMatchObject({ accepted: true, job_id: JOB });
    expect(miner.handled, 'the job was accepted once; the retry met its job_id').toEqual([
      'POST /edit',
      'POST /edit',
      `GET /edit/status/${JOB}`,
    ]);
    expect(unresponsive).toEqual([]);
  } finally {
    await miner.close();
  }
});

test('a miner that drops the connection again on the retry is called unresponsive, naming both drops and the clock time', async ({
  clientOf,
  unresponsive,
}) => {
  const miner = await startDroppingMiner('always', 'reset');
  try {
    const client = await clientOf(miner.url);
    const error = await client.status(JOB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MinerUnresponsive);
    const message = (error as Error).message;
    expect(message).toMatch(
      new RegExp(
        `^The miner at ${miner.url} dropped the connection twice, the second time on a retry 100 ms later \\(\\w+, then \\w+\\) on GET /edit/status/${JOB} during job ${JOB}, ${ISO_TIME.source}: check that it still runs and read its log from that moment\\.$`,
      ),
    );
    expect(unresponsive).toEqual([message]);
  } finally {
    await miner.close();
  }
});

test('a refused connection is evidence on the first try: one sentence with the clock time, no retry', async ({ clientOf }) => {
  const client = await clientOf(`http://127.0.0.1:${await releasedPort()}`);
  const error = (await client.getAnswer('/health').catch((e: unknown) => e)) as Error;
  expect(error.message).toMatch(/refused the connection \(ECONNREFUSED\): the process is gone or no longer listens on GET \/health, at /);
  expect(error.message).toMatch(ISO_TIME);
  expect(client.requests, 'calls made: a refusal is not retried').toBe(1);
});
