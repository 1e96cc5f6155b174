import { readFileSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { createServer } from 'node:tls';

// An operator's TLS front in miniature: https on loopback, every byte passed through to a plain-http server behind it.
// The certificates are test-only (tests/support/tls/make-certificates.sh says how they were made).

const TLS_DIR = path.join(import.meta.dirname, 'tls');

/** The test certificates, each for the key server-key.pem; `trusted` is trusted only with NODE_EXTRA_CA_CERTS=TEST_CA_FILE. */
export type TestCertificate = 'trusted' | 'self-signed' | 'expired' | 'other-host';

/** The test authority that signed `trusted`, `expired` and `other-host`, for NODE_EXTRA_CA_CERTS. */
export const TEST_CA_FILE = path.join(TLS_DIR, 'test-ca.pem');

export type TlsForwarder = { url: string; close(): Promise<void> };

/** Serves `certificate` at https://127.0.0.1:<free port> and pipes each connection to `targetUrl`'s host and port. */
export async function startTlsForwarder(targetUrl: string, certificate: TestCertificate): Promise<TlsForwarder> {
  const target = new URL(targetUrl);
  const server = createServer(
    { key: readFileSync(path.join(TLS_DIR, 'server-key.pem')), cert: readFileSync(path.join(TLS_DIR, `${certificate}.pem`)) },
    (client) => {
      const upstream = connect(Number(target.port), target.hostname);
      const closeBoth = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', closeBoth).on('close', closeBoth);
      upstream.on('error', closeBoth).on('close', closeBoth);
      client.pipe(upstream).pipe(client);
    },
  );
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
