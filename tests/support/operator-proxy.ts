import { signerFromUri } from '../../lib/epistula.ts';
import { startReferenceProxy } from '../../reference-proxy/server.ts';
import { startTlsForwarder, type TestCertificate } from './tls-forwarder.ts';
import { withReferenceMiner } from './with-reference-miner.ts';

/** How an operator's proxy is reached: plain http, or https behind a TLS front with one of the test certificates. */
export type ProxyFront = 'plain-http' | TestCertificate;

/**
 * Runs `body` against an operator's proxy as the suite meets one: a reference miner behind a reference proxy started
 * here, allowing `senderUri` for the miner //Bob, reached through `front`; everything is stopped after.
 */
export async function withOperatorProxy<T>(
  { senderUri, front }: { senderUri: string; front: ProxyFront },
  body: (proxy: { url: string; minerHotkey: string }) => Promise<T>,
): Promise<T> {
  const [sender, miner] = [await signerFromUri(senderUri), await signerFromUri('//Bob')];
  return withReferenceMiner({}, async (minerUrl) => {
    const proxy = await startReferenceProxy({
      config: {
        server: { host: '127.0.0.1', port: 0 },
        auth: { miner_hotkey: miner.address, allowed_senders: [sender.address] },
        services: { inference_server_url: minerUrl },
      },
    });
    const tls = front === 'plain-http' ? undefined : await startTlsForwarder(proxy.url, front);
    try {
      return await body({ url: tls?.url ?? proxy.url, minerHotkey: miner.address });
    } finally {
      await tls?.close();
      await proxy.close();
    }
  });
}
