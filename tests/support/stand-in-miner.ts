import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { minerAccepted } from '../../protocol/edit-job.ts';

export type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer };

export type StandInMiner = {
  url: string;
  /** Every request the proxy forwarded, body complete, in arrival order. */
  received: ReceivedRequest[];
  /** Resolves with the `index`-th request (0-based) once it has fully arrived, or throws after `timeoutMs`. */
  request(index: number, timeoutMs?: number): Promise<ReceivedRequest>;
  close(): Promise<void>;
};

/**
 * A miner that records what it gets and answers 200 with the accepted body (job_id from the body, else edit-stand-in),
 * after `answerAfterMs` when set: a miner still busy when the proxy's wait ends.
 */
export async function startStandInMiner({ answerAfterMs = 0 } = {}): Promise<StandInMiner> {
  const received: ReceivedRequest[] = [];
  const arrivals: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      for (const arrived of arrivals.splice(0)) arrived();
      let jobId = 'edit-stand-in';
      try {
        jobId = (JSON.parse(body.toString('utf8')) as { job_id?: string }).job_id ?? jobId;
      } catch {
        // not JSON: the stand-in still accepts, it only records
      }
      const answer = () => {
        const text = JSON.stringify(minerAccepted(jobId));
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
      };
      if (!answerAfterMs) return answer();
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, answerAfterMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    async request(index, timeoutMs = 5_000) {
      const deadline = performance.now() + timeoutMs;
      while (received.length <= index) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new Error(`The stand-in miner got ${received.length} requests within ${timeoutMs} ms, not ${index + 1}.`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          arrivals.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return received[index]!;
    },
    close: () =>
      new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
