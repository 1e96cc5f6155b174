import type { CallbackDelivery, JobRecord } from '../protocol/edit-job.ts';
import { formatSeconds, sleep, type PendingWaits } from './wait-until.ts';
import { isLoopbackHost } from './http-io.ts';
import type { CallbackEncoding, CallbackReceipt } from './callback-receipt.ts';

// What the receiver says when it cannot listen, and what a wait for a callback says when it ends without one: its
// deadline passed, or its test finished first.

/** A wait for a callback that ended without one. */
export class CallbackNotReceivedError extends Error {
  override name = 'CallbackNotReceivedError';
  constructor(
    message: string,
    readonly jobId: string,
    callSite: string,
  ) {
    super(message);
    // The stack points at whoever waited, not at the timer that fired: that is the line a reader needs.
    this.stack = `${this.name}: ${message}${callSite}`;
  }
}

/** The sentence for waits still pending when a test ends. */
export const notReceivedBeforeTestEnd = (jobId: string) => `Callback for job ${jobId} was not received before the test finished.`;

export type MissingCallback = {
  jobId: string;
  /** The wait's deadline, which passed. */
  timeoutMs: number;
  /** The callback URL the job was given, or the receiver's base one. */
  url: string;
  /** What the receiver got instead (receipts about other jobs). */
  others: CallbackReceipt[];
  /** Who was listening, e.g. "the receiver" or "the external receiver's GET /callbacks". */
  listener: string;
  /** A reason the listener could not look, e.g. the last failed poll. */
  note?: string;
};

const NAMED_AT_MOST = 5;

/** The deadline sentence: which job, how long, where we listened, and what came instead. */
export function describeMissingCallback({ jobId, timeoutMs, url, others, listener, note }: MissingCallback): string {
  const head = `No callback for job ${jobId} arrived within ${formatSeconds(timeoutMs)} at ${url}`;
  const noteText = note ? ` (${note.replace(/\.$/, '')})` : '';
  if (others.length > 0) {
    const named = others.slice(0, NAMED_AT_MOST).map(nameReceipt).join(', ');
    const more = others.length > NAMED_AT_MOST ? ` and ${others.length - NAMED_AT_MOST} more` : '';
    return `${head}; ${listener} got ${others.length} other callback${others.length === 1 ? '' : 's'} instead${noteText}: ${named}${more}; check the job_id the miner sends and that the job has ended.`;
  }
  return `${head}; ${listener} got nothing at all${noteText}: ${reachHint(url)}.`;
}

function reachHint(url: string): string {
  if (!URL.canParse(url)) return 'check the callback URL the job was given';
  const { hostname: host, port } = new URL(url);
  if (isLoopbackHost(host))
    return `a miner in Docker cannot reach ${host}, so set ASYNC_CALLBACK_BASE_URL to the Docker network's gateway (e.g. http://172.18.0.1:${port || 80}, from "docker network inspect <project>_default"), or check that the job has ended`;
  return `check that the miner can reach ${host}${port ? `:${port}` : ''} (firewall, Docker network, ASYNC_CALLBACK_BASE_URL) and that the job has ended`;
}

/** The stack of the current call without the frames of the callback files themselves, starting with a newline. */
export function callerFrames(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  return frames
    .filter((frame) => !/\/lib\/callback-[\w-]+\.ts|\/fixtures\/callbacks\//.test(frame))
    .map((frame) => `\n${frame}`)
    .join('');
}

const ENCODING_WORDS: Record<CallbackEncoding, string> = {
  multipart: 'multipart',
  urlencoded: 'urlencoded',
  json: 'JSON',
  other: 'non-form',
  unknown: 'listed',
};

/** A few words naming a receipt in a list: `job a (completed)`, or what was wrong with it. */
export function nameReceipt(receipt: CallbackReceipt): string {
  const status = receipt.fields.status;
  if (receipt.jobId !== undefined) return `job ${receipt.jobId} (${status ? `status ${status}` : 'no status'})`;
  const where = receipt.urlJobId ? ` on the URL of job ${receipt.urlJobId}` : '';
  return `a ${ENCODING_WORDS[receipt.encoding]} body without job_id${where}${receipt.parseError ? ` (${receipt.parseError.replace(/\.$/, '')})` : ''}`;
}

/** Why the receiver could not take its port, and what to change. */
export function cannotListen(host: string, port: number, error: NodeJS.ErrnoException): string {
  const fix =
    error.code === 'EADDRINUSE'
      ? 'another process holds the port, so free it or name another port in ASYNC_CALLBACK_BASE_URL.'
      : 'check ASYNC_CALLBACK_BIND_HOST names an interface of this machine.';
  return `The callback receiver could not listen on ${host}:${port} (${error.code ?? error.message}): ${fix}`;
}

/** One sentence for a callback the miner recorded as not delivered: its own words, then the setting to fix. */
export function undeliveredSentence(
  callbackUrl: string,
  delivery: CallbackDelivery,
  callback?: { rule: string; explanation: string },
  ownReceiver = true,
): string {
  const said =
    delivery.status === 'delivered'
      ? `its record says delivered with ${delivery.status_code ?? 'no'} status, yet the suite's receiver got nothing: something else answers at that address`
      : `its record says callback ${delivery.status} (${JSON.stringify(delivery.error ?? delivery.response_preview ?? `status ${delivery.status_code}`)})`;
  const rule = callback ? ` (the address came from rule ${callback.rule}: ${callback.explanation})` : '';
  const fix = ownReceiver
    ? "set ASYNC_CALLBACK_BASE_URL to an address of this machine the miner can reach; a miner in Docker reaches it through its network's gateway (docker network inspect <project>_default → IPAM.Config[0].Gateway, e.g. http://172.18.0.1:8092)"
    : 'start the external receiver or fix ASYNC_CALLBACK_BASE_URL';
  return `The miner could not deliver a callback to ${callbackUrl}: ${said}${rule}; ${fix}.`;
}

// Once the job ended, its record says within a moment whether the miner gave up on delivering its callback.
const DELIVERY_POLL_MS = 250;

/**
 * A wait for the job's callback among `waits`: it settles when the callback is delivered to them, or rejects at its
 * deadline with `describeMiss()` (its stack pointing at the caller), or at once when the job's record says the miner
 * could not deliver.
 */
export function callbackWait(
  waits: PendingWaits<CallbackReceipt>,
  { jobId, timeoutMs, describeMiss, readRecord }: CallbackWaitOptions,
): Promise<CallbackReceipt> {
  const callSite = callerFrames();
  // One watch of the record serves every wait for the job: it runs while any of them is pending, and ends them all.
  const watched = waits.has(jobId);
  const waiting = waits.wait(jobId, timeoutMs, describeMiss, (sentence) => new CallbackNotReceivedError(sentence, jobId, callSite));
  if (readRecord && !watched)
    void undeliveredWhileWaiting(jobId, readRecord, () => waits.has(jobId)).then((why) => why && waits.reject(jobId, why));
  return waiting;
}

export type CallbackWaitOptions = {
  jobId: string;
  timeoutMs: number;
  describeMiss: () => string;
  /** Reads the job's record, when the miner can be asked. */
  readRecord?: (jobId: string) => Promise<JobRecord>;
};

/**
 * Reads the job's record while someone waits for its callback, until the record says what became of it: the
 * sentence when the miner recorded that it could not deliver (callback failed), else undefined. A record that cannot
 * be read ends the watch: it only shortens waits, and what went wrong is for the waits themselves to say.
 */
async function undeliveredWhileWaiting(
  jobId: string,
  readRecord: (jobId: string) => Promise<JobRecord>,
  stillWaiting: () => boolean,
): Promise<string | undefined> {
  try {
    while (stillWaiting()) {
      const record = await readRecord(jobId);
      if (record.callback?.status === 'failed')
        return `No callback for job ${jobId}: ${undeliveredSentence(record.request.callback_url ?? 'its callback_url', record.callback)}`;
      if (record.callback) return undefined;
      await sleep(DELIVERY_POLL_MS, undefined);
    }
  } catch {
    // an unreadable record says nothing of the callback
  }
  return undefined;
}
