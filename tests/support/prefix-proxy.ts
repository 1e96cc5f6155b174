import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

const FORWARD_TIMEOUT_MS = 30_000;

/**
 * A reverse proxy that serves `target` only under `prefix` (http://proxy/miner/health → target/health)
 * and answers 404 elsewhere, as a path-routing proxy does; it lists every path it was asked.
 * `holdPostMs` hands on a POST at once but answers it only that much later, as a miner whose full queue
 * keeps the submission waiting does.
 */
export async function startPrefixProxy(target: string, prefix: string, { holdPostMs = 0 }: { holdPostMs?: number } = {}) {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    asked.push(`${request.method} ${path}`);
    if (!path.startsWith(`${prefix}/`)) {
      response.writeHead(404, { 'content-type': 'application/json' });
      return response.end(JSON.stringify({ detail: `Not Found: only ${prefix}/… is routed` }));
    }
    const held = request.method === 'POST' ? holdPostMs : 0;
    const answerDue = performance.now() + held;
    void forward(request, `${target}${path.slice(prefix.length)}`).then(
      async (answer) => {
        const bytes = Buffer.from(await answer.arrayBuffer());
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, answerDue - performance.now())));
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' });
        response.end(bytes);
      },
      (error: Error) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(`proxy could not reach ${target}: ${error.message}`);
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`,
    asked: () => [...asked],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function forward(request: IncomingMessage, url: string): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  return fetch(url, {
    method: request.method,
    headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
    body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
    signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
  });
}
