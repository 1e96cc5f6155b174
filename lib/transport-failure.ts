import { formatSeconds } from './wait-until.ts';

// How a request to a miner failed, in the operator's words: the tests' client and global setup say it alike.

/**
 * A failed Playwright request reduced to its cause ("gave no answer within 30 s") and what to do about it;
 * `dropped` when the connection broke before any answer began, which an idle keep-alive socket also does.
 */
export type TransportFailure = { cause: string; advice: string; code: string; dropped: boolean };

const READ_ITS_LOG = 'check that it still runs and read its log from that moment';

/** Why a request to the miner got no answer, or undefined when the error is not the transport's. */
export function describeTransportFailure(error: unknown, timeoutMs: number): TransportFailure | undefined {
  const message = error instanceof Error ? error.message : String(error);
  // A deadline cut to what was left of a longer one carries a fraction: "Timeout 9956.66ms exceeded".
  if (/Timeout [\d.]+ms exceeded/i.test(message))
    return {
      cause: `gave no answer within ${formatSeconds(timeoutMs)}`,
      advice: `${READ_ITS_LOG}; a miner that edits on its event loop cannot answer while an edit hangs`,
      code: 'timeout',
      dropped: false,
    };
  const code = /\b(ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|socket hang up)\b/.exec(message)?.[1];
  if (!code) return undefined;
  if (code === 'ECONNREFUSED')
    return {
      cause: 'refused the connection (ECONNREFUSED): the process is gone or no longer listens',
      advice: READ_ITS_LOG,
      code,
      dropped: false,
    };
  const dropped = ['ECONNRESET', 'EPIPE', 'socket hang up'].includes(code);
  return { cause: dropped ? 'dropped the connection' : `could not be reached (${code})`, advice: READ_ITS_LOG, code, dropped };
}

/** Where a call stands in a job, for the sentence when the miner stops answering; `retried` is set when a dropped connection was retried. */
export type CallContext = { jobId?: string; waitStartedMs?: number; retried?: boolean };

/**
 * The sentence for a miner that stopped answering a call: the miner, the call, the job, how long the wait for its
 * end had run, and the earlier dropped connection when a retry failed too.
 */
export function unresponsiveSentence(
  call: { minerUrl: string; method: string; path: string; context: CallContext; retryPauseMs: number },
  failure: TransportFailure,
  dropped: TransportFailure | undefined,
): string {
  const { minerUrl, method, path, context, retryPauseMs } = call;
  const job = context.jobId ? ` during job ${context.jobId}` : '';
  const waited = context.waitStartedMs ? `, ${formatSeconds(performance.now() - context.waitStartedMs)} into the wait for its end` : '';
  const cause = !dropped
    ? failure.cause
    : failure.dropped
      ? `${failure.cause} twice, the second time on a retry ${retryPauseMs} ms later (${dropped.code}, then ${failure.code})`
      : `${failure.cause} after dropping the connection (${dropped.code})`;
  return `The miner at ${minerUrl} ${cause} on ${method} ${path}${job}${waited}, at ${new Date().toISOString()}: ${failure.advice}.`;
}
