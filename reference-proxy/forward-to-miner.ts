import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What came of one forwarded request within its deadline. */
export type Forwarded =
  | { outcome: 'answered'; status: number; contentType: string | undefined; body: Buffer }
  | { outcome: 'timed-out' }
  | { outcome: 'unreachable'; reason: string };

// Hop-by-hop headers belong to one connection; host and length are the new request's own.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'host', 'content-length']);

/**
 * Sends `body` to the miner with the client's headers and waits up to `deadlineMs` for its whole answer.
 * At the deadline the connection is dropped, as the upstream proxy's HTTP client does; the miner already holds the body.
 */
export function forwardToMiner(options: {
  minerUrl: string;
  path: string;
  method: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  deadlineMs: number;
  /** Ends the wait early when the proxy closes. */
  signal: AbortSignal;
}): Promise<Forwarded> {
  const { minerUrl, path, method, body, deadlineMs, signal } = options;
  const url = new URL(`${minerUrl.replace(/\/+$/, '')}${path}`);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(options.headers)) if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
  headers['content-length'] = String(body.length);

  return new Promise<Forwarded>((resolve) => {
    let settled = false;
    const settle = (forwarded: Forwarded) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(forwarded);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(url, { method, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () =>
        settle({
          outcome: 'answered',
          status: answer.statusCode ?? 502,
          contentType: answer.headers['content-type'],
          body: Buffer.concat(chunks),
        }),
      );
      answer.on('error', (error) => settle({ outcome: 'unreachable', reason: error.message }));
    });
    const timer = setTimeout(() => {
      settle({ outcome: 'timed-out' });
      outgoing.destroy();
    }, deadlineMs);
    const onAbort = () => {
      settle({ outcome: 'unreachable', reason: 'the proxy is closing' });
      outgoing.destroy();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (error: NodeJS.ErrnoException) => settle({ outcome: 'unreachable', reason: error.code ?? error.message }));
    outgoing.end(body);
  });
}
