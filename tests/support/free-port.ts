import { createServer } from 'node:net';

/** A port the OS just had free, then released: nothing listens there (get-port withholds ports it handed out). */
export async function releasedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
