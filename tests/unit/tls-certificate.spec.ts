import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { checkCertificate, describeCertificateRefusal } from '../../lib/tls-certificate.ts';
import { releasedPort } from '../support/free-port.ts';
import { startTlsForwarder, type TlsForwarder } from '../support/tls-forwarder.ts';

// The certificate check @proxy-https stands on: a real handshake with Node's default trust store, and each refusal
// named by its cause. The test authority is not in this process's store, so what it signed is of an unknown authority.

const DEADLINE_MS = 5_000;

let forwarders: TlsForwarder[] = [];

test.afterEach(async () => {
  await Promise.all(forwarders.map((f) => f.close()));
  forwarders = [];
});

/** A TLS front with `certificate`; nothing behind it is ever reached, the check sends no request. */
async function served(certificate: Parameters<typeof startTlsForwarder>[1]): Promise<URL> {
  const forwarder = await startTlsForwarder(`http://127.0.0.1:${await releasedPort()}`, certificate);
  forwarders.push(forwarder);
  return new URL(forwarder.url);
}

test('a self-signed certificate is refused as self-signed, naming its subject', async () => {
  expect(await checkCertificate(await served('self-signed'), DEADLINE_MS)).toEqual({
    outcome: 'refused',
    code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    cause: 'self-signed (CN=127.0.0.1), vouched for by no authority',
    fix: expect.stringContaining('public authority'),
  });
});

test('a certificate from an authority outside the trust store is refused, naming the issuer', async () => {
  const verdict = await checkCertificate(await served('trusted'), DEADLINE_MS);
  expect(verdict).toMatchObject({ outcome: 'refused', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  expect(verdict.outcome === 'refused' && verdict.cause).toContain('issuer CN=kontext-e2e test authority');
});

test('plain http on an https:// address and a closed port get no handshake, each said as it is', async () => {
  const plain = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  try {
    const port = (plain.address() as AddressInfo).port;
    expect(await checkCertificate(new URL(`https://127.0.0.1:${port}`), DEADLINE_MS)).toEqual({
      outcome: 'no-handshake',
      cause: 'answers plain http where TLS was expected',
    });
  } finally {
    plain.close();
  }
  expect(await checkCertificate(new URL(`https://127.0.0.1:${await releasedPort()}`), DEADLINE_MS)).toEqual({
    outcome: 'no-handshake',
    cause: 'could not be reached for a TLS handshake (ECONNREFUSED)',
  });
});

test("each of Node's refusal codes is named by its cause", () => {
  const certificate = {
    subject: { CN: 'proxy.example' },
    issuer: { CN: 'Private Root' },
    valid_from: 'Jan  1 00:00:00 2000 GMT',
    valid_to: 'Dec 31 00:00:00 2000 GMT',
    subjectaltname: 'DNS:proxy.example',
  } as Parameters<typeof describeCertificateRefusal>[1];
  const cause = (code: string) => describeCertificateRefusal(code, certificate, '203.0.113.7').cause;
  expect(cause('SELF_SIGNED_CERT_IN_CHAIN')).toBe(
    'signed under a self-signed root no public authority vouches for (issuer CN=Private Root)',
  );
  expect(cause('CERT_HAS_EXPIRED')).toBe('expired on Dec 31 00:00:00 2000 GMT');
  expect(cause('CERT_NOT_YET_VALID')).toBe('not valid until Jan  1 00:00:00 2000 GMT');
  expect(cause('ERR_TLS_CERT_ALTNAME_INVALID')).toBe('issued for another host (DNS:proxy.example, not 203.0.113.7)');
  expect(cause('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')).toContain(
    'signed by an authority the trust store does not know (issuer CN=Private Root)',
  );
  expect(cause('CERT_REVOKED')).toBe('refused (CN=proxy.example, issuer CN=Private Root)');
});
