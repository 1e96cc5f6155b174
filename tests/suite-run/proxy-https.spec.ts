import { expect, test } from '@playwright/test';
import { withOperatorProxy, type ProxyFront } from '../support/operator-proxy.ts';
import { runSuite, type SuiteRun } from '../support/run-suite.ts';
import { TEST_CA_FILE } from '../support/tls-forwarder.ts';

// @proxy-https as operators meet it: their proxy (ASYNC_PROXY_URL) on plain http, or behind TLS with a certificate
// validators refuse. The suite's own calls still go through, so one bad certificate is one failure, not one per check.

const SIGNER = '//Alice';

/** The proxy project against an operator's proxy reached through `front`; `args` narrows the run, `env` adds settings. */
function runThrough(front: ProxyFront, args: string[] = [], env: Record<string, string> = {}): Promise<SuiteRun> {
  return withOperatorProxy({ senderUri: SIGNER, front }, (proxy) =>
    runSuite({ env: { ASYNC_PROXY_URL: proxy.url, ASYNC_SIGNER_URI: SIGNER, ASYNC_MINER_HOTKEY: proxy.minerHotkey, ...env }, args }),
  );
}

/** The run's verdicts as `<rule>: <outcome>`, and the certificate check's error. */
function verdicts(run: SuiteRun): { outcomes: string[]; httpsErrors: string } {
  return {
    outcomes: run.tests.map((t) => `${t.tags.join(' ')}: ${t.outcome}`).sort(),
    httpsErrors: run.tests.find((t) => t.tags.includes('@proxy-https'))?.errors ?? `no @proxy-https test ran:\n${run.output}`,
  };
}

test('an operator proxy at an http:// URL fails @proxy-https: validators reach https:// and verify the certificate', async () => {
  const { outcomes, httpsErrors } = verdicts(await runThrough('plain-http', ['--grep', '@proxy-https']));
  expect(outcomes).toEqual(['@proxy-https: unexpected']);
  expect(httpsErrors).toMatch(
    /ASYNC_PROXY_URL is http:\/\/127\.0\.0\.1:\d+, but validators reach every miner at https:\/\/<address>:<port> and verify its certificate, so every health check and dispatch validators send it fails: serve the proxy over TLS/,
  );
});

test('a self-signed certificate fails @proxy-https alone, named self-signed; every other proxy check passes through it', async () => {
  const run = await runThrough('self-signed');
  const { outcomes, httpsErrors } = verdicts(run);
  expect(
    outcomes.filter((o) => !o.endsWith(': expected')),
    run.output,
  ).toEqual(['@proxy-https: unexpected']);
  expect(outcomes.length, 'every proxy check ran').toBeGreaterThan(5);
  expect(httpsErrors).toMatch(
    /ASYNC_PROXY_URL https:\/\/127\.0\.0\.1:\d+ serves a certificate that is self-signed \(CN=127\.0\.0\.1\), vouched for by no authority, which validators' HTTPS client refuses \(DEPTH_ZERO_SELF_SIGNED_CERT\), so every health check and dispatch validators send it fails: serve a certificate from a public authority/,
  );
});

// Signed by the test authority Node is told to trust, so each is refused for its own fault alone.
const REFUSED_CERTIFICATES = [
  { front: 'expired', because: /a certificate that is expired on Dec 31 00:00:00 2000 GMT, .*\(CERT_HAS_EXPIRED\).*: renew it/ },
  {
    front: 'other-host',
    because:
      /a certificate that is issued for another host \(DNS:proxy\.example\.invalid, not 127\.0\.0\.1\), .*\(ERR_TLS_CERT_ALTNAME_INVALID\).*: serve one issued for 127\.0\.0\.1/,
  },
] as const;

for (const { front, because } of REFUSED_CERTIFICATES)
  test(`a certificate ${front === 'expired' ? 'that expired' : 'for another host'} fails @proxy-https, named by its cause`, async () => {
    const { outcomes, httpsErrors } = verdicts(await runThrough(front, ['--grep', '@proxy-https'], { NODE_EXTRA_CA_CERTS: TEST_CA_FILE }));
    expect(outcomes).toEqual(['@proxy-https: unexpected']);
    expect(httpsErrors).toMatch(because);
  });
