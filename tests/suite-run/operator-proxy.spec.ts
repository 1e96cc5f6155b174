import { mnemonicGenerate } from '@polkadot/util-crypto';
import { expect, test } from '@playwright/test';
import { withOperatorProxy } from '../support/operator-proxy.ts';
import { runSuite } from '../support/run-suite.ts';
import { TEST_CA_FILE } from '../support/tls-forwarder.ts';

// The operator's own proxy, named by the three settings: the proxy checks run by default, the signer's
// secret (here a mnemonic) is used but never printed, and without ASYNC_MINER_URL callbacks alone decide.

test('ASYNC_PROXY_URL alone (no ASYNC_MINER_URL) runs the proxy checks from callbacks, signing with a mnemonic never printed', async () => {
  const mnemonic = mnemonicGenerate();
  // Served over https with a certificate Node trusts here (the test authority added to its store), as validators reach a proxy.
  const run = await withOperatorProxy({ senderUri: mnemonic, front: 'trusted' }, (proxy) =>
    runSuite({
      env: {
        ASYNC_PROXY_URL: proxy.url,
        ASYNC_SIGNER_URI: mnemonic,
        ASYNC_MINER_HOTKEY: proxy.minerHotkey,
        NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
      },
    }),
  );
  const failures = run.tests.filter((t) => t.outcome !== 'expected').map((t) => `${t.title}: ${t.outcome}\n${t.errors}`);
  expect(failures, run.output).toEqual([]);
  expect(
    run.tests.map((t) => t.tags[0]),
    'the certificate check ran and passed',
  ).toContain('@proxy-https');
  expect(new Set(run.tests.map((t) => t.project)), 'only the proxy project runs: no miner is named').toEqual(new Set(['proxy']));
  expect(run.output).toContain('no ASYNC_MINER_URL, so verdicts come from callbacks alone');
  expect(run.output).not.toContain('bundled reference miner');
  expect(run.metadata.Settings).toContain('ASYNC_SIGNER_URI=***');
  expect(`${run.output}${JSON.stringify(run.metadata)}`, 'the signer secret anywhere in output or report').not.toContain(mnemonic);
});

test('a proxy URL without the signer and hotkey stops the run with one sentence', async () => {
  const run = await runSuite({ env: { ASYNC_PROXY_URL: 'http://127.0.0.1:9' }, args: ['--project', 'proxy'] });
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain('The proxy checks need ASYNC_PROXY_URL, ASYNC_SIGNER_URI, ASYNC_MINER_HOTKEY together');
  expect(run.tests).toEqual([]);
});
