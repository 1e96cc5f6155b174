import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of a scripted server; an object body is sent as JSON. */
export type ScriptedAnswer = { status: number; body?: string | Buffer | object; contentType?: string };

export type ScriptedRequest = { method: string; path: string };

/** A local HTTP server whose every answer comes from `script`: stand-in miners and image hosts. */
export async function startScriptedServer(
  script: (request: ScriptedRequest) => ScriptedAnswer | Promise<ScriptedAnswer>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => void answer(request, response));
  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://stub').pathname;
    const { status, body = '', contentType } = await script({ method: request.method ?? 'GET', path });
    const raw = typeof body === 'string' || Buffer.isBuffer(body);
    response.writeHead(status, { 'content-type': contentType ?? (raw ? 'text/plain' : 'application/json') });
    response.end(raw ? body : JSON.stringify(body));
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
