import { expect, test } from '@playwright/test';
import { startPrefixProxy } from '../support/prefix-proxy.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';
import { runSuite } from '../support/run-suite.ts';

test('a miner behind a prefix proxy (ASYNC_MINER_URL=http://host:port/miner) is asked every endpoint under the prefix', async () => {
  const { run, asked } = await withReferenceMiner({ faults: [] }, async (minerUrl) => {
    const proxy = await startPrefixProxy(minerUrl, '/miner');
    try {
      const run = await runSuite({
        env: { ASYNC_MINER_URL: proxy.url },
        args: ['specs/request-validation.spec.ts', 'specs/edit-workflow.spec.ts'],
      });
      return { run, asked: proxy.asked() };
    } finally {
      await proxy.close();
    }
  });
  expect(run.tests.map((t) => `${t.title}: ${t.outcome}\n${t.errors}`).filter((t) => !t.includes(': expected'))).toEqual([]);
  expect(
    asked.filter((request) => !request.includes(' /miner/')),
    'requests outside the prefix',
  ).toEqual([]);
  const endpoints = new Set(asked.map((request) => request.replace(/^(\w+ \/miner\/[\w.]+(\/\w+)?).*/, '$1')));
  expect([...endpoints].sort()).toEqual(
    expect.arrayContaining([
      'GET /miner/health',
      'GET /miner/openapi.json',
      'POST /miner/edit',
      'GET /miner/edit/status',
      'GET /miner/edit/result',
    ]),
  );
});

test('ASYNC_MINER_URL with a query string is refused at start with one sentence', async () => {
  const run = await runSuite({ env: { ASYNC_MINER_URL: 'http://127.0.0.1:8091/miner?token=1' } });
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain(
    'ASYNC_MINER_URL accepts a base URL with an optional path prefix (http://host:8091 or http://proxy/miner) and no query or fragment, but it is "http://127.0.0.1:8091/miner?token=1": fix ASYNC_MINER_URL in the environment or in .env.',
  );
  expect(run.tests).toEqual([]);
});
