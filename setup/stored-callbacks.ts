import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import getPort from 'get-port';
import { DeadlinePassed, waitUntil } from '../lib/wait-until.ts';
import { receiptOf, type CallbackReceipt } from '../lib/callback-receipt.ts';
import { parseCallbackBody } from '../lib/form-body.ts';
import { CallbackServer } from '../lib/callback-server.ts';
import type { CallbackAddress } from './callback-address.ts';

// Global setup's jobs (the first job, the validator window's pair, the base edits) call back while the tests run, so
// setup's receiver, the same server class the workers run, lives until global teardown. Each callback is written
// whole to the run's folder, where the test that judges its job reads it: the one state that cannot travel from
// setup to the workers in the run context, which is fixed before they start.

/** A callback kept whole as it came, read again as a request is. */
export type StoredCallback = { method: string; path: string; headers: Record<string, string>; bodyBase64: string; receivedAtMs: number };

/** Global setup's receiver on a free port of the callback address's interface; every callback is kept and answered 200, as a validator answers. */
export async function startSetupReceiver(callback: CallbackAddress, runStateDir: string): Promise<CallbackServer> {
  const folder = storedFolder(runStateDir);
  mkdirSync(folder, { recursive: true });
  return CallbackServer.start({
    host: callback.bindHost,
    port: await getPort({ host: callback.bindHost }),
    publicHost: callback.publicHost,
    publicProtocol: callback.protocol,
    acceptEverything: true,
    onReceipt: (receipt) => store(folder, receipt),
  });
}

function store(folder: string, receipt: CallbackReceipt): void {
  const stored: StoredCallback = {
    method: receipt.method,
    path: receipt.path,
    headers: receipt.headers,
    bodyBase64: (receipt.body ?? Buffer.alloc(0)).toString('base64'),
    receivedAtMs: receipt.receivedAtMs,
  };
  // Written aside, then renamed: a worker reading the folder never meets half a file.
  const file = path.join(folder, `${fileSafe(receipt.urlJobId ?? receipt.jobId ?? '')}--${randomUUID()}.json`);
  writeFileSync(`${file}.part`, JSON.stringify(stored));
  renameSync(`${file}.part`, file);
}

/** The callbacks setup's receiver kept for one job, in the order they came. */
function storedCallbacksOf(runStateDir: string, jobId: string): StoredCallback[] {
  const folder = storedFolder(runStateDir);
  return filesOf(runStateDir, jobId)
    .map((file) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as StoredCallback)
    .sort((a, b) => a.receivedAtMs - b.receivedAtMs);
}

/** Whether setup's receiver took a callback for the job: cheap enough to poll. */
function hasStoredCallback(runStateDir: string, jobId: string): boolean {
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

/** A callback setup's receiver kept for a job it started, read as a worker's receiver reads one. */
async function receiptFromStored(stored: StoredCallback, jobId: string): Promise<CallbackReceipt> {
  const body = Buffer.from(stored.bodyBase64, 'base64');
  const contentType = stored.headers['content-type'] ?? '';
  const parsed = await parseCallbackBody(body, contentType);
  return receiptOf({ ...stored, urlJobId: jobId, contentType, body, size: body.length, parsed, arrivedAtMs: stored.receivedAtMs });
}

/** The callbacks setup's receiver kept for one job, read as receipts, in the order they came. */
export function storedReceiptsOf(runStateDir: string, jobId: string): Promise<CallbackReceipt[]> {
  return Promise.all(storedCallbacksOf(runStateDir, jobId).map((stored) => receiptFromStored(stored, jobId)));
}

/** The callbacks setup's receiver kept for the job, once at least one came or `timeoutMs` passed (then none). */
export async function storedReceiptsWithin(runStateDir: string, jobId: string, timeoutMs: number): Promise<CallbackReceipt[]> {
  const kept = () => (hasStoredCallback(runStateDir, jobId) ? true : undefined);
  await waitUntil(kept, { timeoutMs, describe: () => `no callback for job ${jobId}`, pauses: [50, 100, 250] }).catch((error) => {
    if (!(error instanceof DeadlinePassed)) throw error; // a callback that never came is for the caller to judge
  });
  return storedReceiptsOf(runStateDir, jobId);
}
