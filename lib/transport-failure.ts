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
