import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import getPort from 'get-port';
import { answerBytes, answerJson, headerFields } from '../lib/http-io.ts';
import type { CallbackAddress } from './callback-address.ts';

// Global setup's receiver: it takes the callbacks of the jobs setup submits (the first job, the validator window's
// pair, the base edits), which arrive while the tests run, so it lives until global teardown. Each callback is
// written whole to the run's folder, where the test that judges its job reads it.

/** A callback as setup's receiver took it, kept for the worker that judges its job. */
export type StoredCallback = { method: string; path: string; headers: Record<string, string>; bodyBase64: string; receivedAtMs: number };

// A callback carries one PNG of a megapixel or so; more than this is kept cut, as the workers' receivers cut it.
const STORED_BODY_LIMIT = 64 * 1024 * 1024;

/** The path at which setup serves the audit broadcast's input image, for jobs that take it by image_url. */
const AUDIT_IMAGE_PATH = '/inputs/audit-image.png';

export type SetupReceiver = {
  baseUrl: string;
  /** `<baseUrl>/callback/<job>`: the job in the path ties the callback to its job whatever its body. */
  callbackUrl: (jobId: string) => string;
  /** Where the miner downloads the audit image from. */
  auditImageUrl: string;
  /** Settles when the job's first callback has come. */
  arrival: (jobId: string) => Promise<void>;
  close: () => Promise<void>;
};

/** Listens on a free port of the callback address's interface; every POST is kept, answered 200 as a validator does. */
export async function startSetupReceiver(callback: CallbackAddress, runStateDir: string, auditImage: Buffer): Promise<SetupReceiver> {
  const folder = storedFolder(runStateDir);
  mkdirSync(folder, { recursive: true });
  const arrivals = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  const arrivalOf = (jobId: string) => {
    let entry = arrivals.get(jobId);
    if (!entry) {
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      arrivals.set(jobId, (entry = { promise, resolve }));
    }
    return entry;
  };
  const server = createServer((request, response) => {
    const receivedAtMs = performance.timeOrigin + performance.now();
    if (request.method === 'GET' && request.url === AUDIT_IMAGE_PATH) return answerBytes(response, 'image/png', auditImage);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= STORED_BODY_LIMIT) chunks.push(chunk);
    });
    request.on('end', () => {
      const urlPath = request.url ?? '/';
      const jobId = decodeURIComponent(urlPath.split('?')[0]!.split('/').at(-1) ?? '');
      const stored: StoredCallback = {
        method: request.method ?? 'POST',
        path: urlPath,
        headers: headerFields(request),
        bodyBase64: Buffer.concat(chunks).toString('base64'),
        receivedAtMs,
      };
      // Written aside, then renamed: a worker reading the folder never meets half a file.
      const file = path.join(folder, `${fileSafe(jobId)}--${randomUUID()}.json`);
      writeFileSync(`${file}.part`, JSON.stringify(stored));
      renameSync(`${file}.part`, file);
      if (request.method === 'POST') arrivalOf(jobId).resolve();
      answerJson(response, 200, { status: 'success' });
    });
  });
  const port = await getPort({ host: callback.bindHost });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, callback.bindHost, () => resolve());
  });
  const host = callback.publicHost.includes(':') && !callback.publicHost.startsWith('[') ? `[${callback.publicHost}]` : callback.publicHost;
  const baseUrl = `${callback.protocol}//${host}:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    callbackUrl: (jobId) => `${baseUrl}/callback/${encodeURIComponent(jobId)}`,
    auditImageUrl: `${baseUrl}${AUDIT_IMAGE_PATH}`,
    arrival: (jobId) => arrivalOf(jobId).promise,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The callbacks setup's receiver kept for one job, in the order they came. */
export function storedCallbacksOf(runStateDir: string, jobId: string): StoredCallback[] {
  const folder = storedFolder(runStateDir);
  return filesOf(runStateDir, jobId)
    .map((file) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as StoredCallback)
    .sort((a, b) => a.receivedAtMs - b.receivedAtMs);
}

/** Whether setup's receiver took a callback for the job: cheap enough to poll. */
export function hasStoredCallback(runStateDir: string, jobId: string): boolean {
  return filesOf(runStateDir, jobId).length > 0;
}

function filesOf(runStateDir: string, jobId: string): string[] {
  try {
    return readdirSync(storedFolder(runStateDir)).filter((file) => file.startsWith(`${fileSafe(jobId)}--`) && file.endsWith('.json'));
  } catch {
    return [];
  }
}

const storedFolder = (runStateDir: string) => path.join(runStateDir, 'setup-callbacks');
const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');
