import type { IncomingMessage, ServerResponse } from 'node:http';

// Answering and reading on a node:http server, as the reference miner and the reference proxy do.

export function answerJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function answerBytes(response: ServerResponse, contentType: string, bytes: Buffer): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
  response.end(bytes);
}

/** The body, or undefined once it passes `limit` bytes (the caller answers 413). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  if (Number(request.headers['content-length'] ?? 0) > limit) {
    request.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Request headers by lower-case name, repeated values joined by ", ". */
export function headerFields(request: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(request.headersDistinct).map(([name, values]) => [name, (values ?? []).join(', ')]));
}

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/;

/** localhost, 127.x.x.x or ::1: an address a miner in a container cannot use to reach this host. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.test(host);
}
