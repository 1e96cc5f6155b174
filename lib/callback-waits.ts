import { DeadlinePassed, formatSeconds, waitUntil } from './wait-until.ts';
import { isLoopbackHost } from './http-io.ts';
import { nameReceipt, receiptConcerns, type CallbackReceipt } from './callback-receipt.ts';
import type { HostedInput } from './input-host.ts';

// The contract a test's callbacks keep, the waits behind it, and the suite's own receiver that keeps it.

/** How long waits for callbacks last. */
export type CallbackDeadlines = {
  /** How long a callback may take once its job has ended (ASYNC_CALLBACK_TIMEOUT_SECONDS): the default wait. */
  callbackMs: number;
  /** The longest a job may run (ASYNC_JOB_TIMEOUT_SECONDS): a hook set before submitting waits this and then `callbackMs`. */
  jobMs: number;
};

/**
 * Where a test finds the miner's callbacks: the suite's own receiver, or an external one read through
 * its GET /callbacks (ASYNC_USE_EXTERNAL_CALLBACK=true). The `callbacks` fixture hands one over reset,
 * as Playwright's `server` fixture does, and attaches what came to the report when the test ends.
 */
export interface CallbackInbox {
  /** `receiver` when the suite runs its own (it sees headers and image bytes), else `external`. */
  readonly kind: 'receiver' | 'external';
  /** How long a callback may take once its job has ended: the default of `waitFor`. */
  readonly timeoutMs: number;
  /** Counts the job as this test's and returns the callback_url to give the miner for it. */
  track(jobId: string): string;
  /** Whether this test tracked the job: a held callback of an earlier test's job may arrive during this one. */
  tracks(jobId: string): boolean;
  /** The job's first callback: at once when it came already, else when it comes, within `timeoutMs`. */
  waitFor(jobId: string, options?: { timeoutMs?: number }): Promise<CallbackReceipt>;
  /**
   * Runs `hook` the moment the job's callback is seen (with the suite's own receiver, before the miner
   * gets its answer) and resolves with what it returned; set it before submitting the job.
   */
  beforeAnswer<T>(jobId: string, hook: () => Promise<T>): Promise<T>;
  /** This test's callbacks so far, in order of arrival; only those about `jobId` when given. */
  received(jobId?: string): Promise<CallbackReceipt[]>;
  /** The job's callbacks once `windowMs` passed with at most one, or as soon as a second arrives: a retry or double send shows. */
  receivedWithin(jobId: string, windowMs: number): Promise<CallbackReceipt[]>;
  /** Makes the suite's own receiver answer the job's callback with `status`; absent for an external receiver. */
  answerWith?(jobId: string, status: number): void;
  /** Serves `input` for image_url until reset and returns its URL; absent for an external receiver. */
  hostInput?(input: HostedInput): string;
  /** Ends the job's pending and later waits at once with `sentence`: its record says the miner could not deliver. */
  deliveryFailed?(jobId: string, sentence: string): void;
  /** Rejects every pending wait ("… was not received before the test finished") and forgets this test's state. */
  reset(): void;
  close(): Promise<void>;
}

/** A wait for a callback that ended without one: its deadline passed, or the test finished first. */
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

type Waiter = {
  jobId: string;
  resolve: (receipt: CallbackReceipt) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  callSite: string;
};

/** Pending waits for callbacks, each with its own deadline, settled by `deliver` or `rejectAll`. */
export class CallbackWaits {
  private readonly waiters = new Set<Waiter>();
  private readonly undelivered = new Map<string, string>();

  get size(): number {
    return this.waiters.size;
  }

  /**
   * Waits for a receipt about `jobId`; at the deadline rejects with `describeMiss()`, built then
   * so that it can say what did arrive meanwhile.
   */
  wait(jobId: string, timeoutMs: number, describeMiss: () => string): Promise<CallbackReceipt> {
    const callSite = callerFrames();
    const undelivered = this.undelivered.get(jobId);
    if (undelivered) return Promise.reject(new CallbackNotReceivedError(undelivered, jobId, callSite));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        jobId,
        resolve,
        reject,
        callSite,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new CallbackNotReceivedError(describeMiss(), jobId, callSite));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Settles every wait this receipt concerns. */
  deliver(receipt: CallbackReceipt): void {
    for (const waiter of this.waiters) {
      if (!receiptConcerns(receipt, waiter.jobId)) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.resolve(receipt);
    }
  }

  /** The miner recorded that it could not deliver the job's callback: its waits end now, and later ones at once. */
  fail(jobId: string, sentence: string): void {
    this.undelivered.set(jobId, sentence);
    for (const waiter of this.waiters) {
      if (waiter.jobId !== jobId) continue;
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
      waiter.reject(new CallbackNotReceivedError(sentence, jobId, waiter.callSite));
    }
  }

  /** Rejects every pending wait with the sentence made for its job. */
  rejectAll(sentence: (jobId: string) => string): void {
    this.undelivered.clear();
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new CallbackNotReceivedError(sentence(waiter.jobId), waiter.jobId, waiter.callSite));
    }
    this.waiters.clear();
  }
}

/**
 * The job's callbacks once `windowMs` passed with at most one of them, or as soon as a second one shows:
 * a miner that retries or double-sends shows within the window.
 */
export async function receivedWithin(received: () => Promise<CallbackReceipt[]>, windowMs: number): Promise<CallbackReceipt[]> {
  let seen: CallbackReceipt[] = [];
  try {
    return await waitUntil(async () => ((seen = await received()).length > 1 ? seen : undefined), {
      timeoutMs: windowMs,
      describe: () => 'a second callback',
      pauses: [50],
    });
  } catch (error) {
    if (error instanceof DeadlinePassed) return seen; // a window that closes with one callback is the good outcome
    throw error;
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
function callerFrames(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  return frames
    .filter((frame) => !/\/lib\/callback-[\w-]+\.ts|\/fixtures\/callbacks\//.test(frame))
    .map((frame) => `\n${frame}`)
    .join('');
}
