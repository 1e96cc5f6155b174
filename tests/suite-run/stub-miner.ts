import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server that answers GET /health with a fixed body: for global setup's checks, without a real miner. */
export async function startStubHealth(status: number, body: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((request, response) => {
    response.writeHead(request.url === '/health' ? status : 404, { 'content-type': 'application/json' });
    response.end(request.url === '/health' ? body : '{"detail":"Not Found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const health = (kontextEdit: string) =>
  JSON.stringify({ status: 'healthy', timestamp: '2025-01-31T12:00:00', services: { inference: 'loaded', kontext_edit: kontextEdit }, config: {} });

export const HEALTH_WITH_EDITING_DISABLED = health('disabled');
export const HEALTH_WITH_EDITING_ENABLED = health('loaded');
