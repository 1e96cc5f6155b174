import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProxyFaults } from './faults.ts';
import { answerJson } from '../lib/http-io.ts';
import { createProxyRoutes } from './routes.ts';
import { parseProxySettings, type ProxyOverrides, type ProxySettings } from './settings.ts';

export type RunningProxy = { url: string; settings: ProxySettings; close(): Promise<void> };

/**
 * Starts the reference proxy on `config.server.{host,port}` (port 0: a free one) in front of
 * `config.services.inference_server_url`; a bad setting throws ProxyConfigError with one sentence.
 */
export async function startReferenceProxy(overrides: ProxyOverrides, log: (line: string) => void = () => {}): Promise<RunningProxy> {
  const settings = parseProxySettings(overrides);
  const closing = new AbortController();
  const route = createProxyRoutes({ settings, faults: new ProxyFaults(settings.faults), closing: closing.signal });
  const server = createServer((request, response) => {
    const started = performance.now();
    const line = (note: string) =>
      log(`${request.method} ${request.url} ${response.statusCode} ${Math.round(performance.now() - started)} ms: ${note}`);
    route(request, response).then(line, (error: Error) => {
      if (!response.headersSent) answerJson(response, 500, { detail: 'Internal server error' });
      else response.end();
      line(`failed: ${error.message}`);
    });
  });
  const { host, port } = settings.config.server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    settings,
    close: async () => {
      closing.abort(); // ends every wait on the miner
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
