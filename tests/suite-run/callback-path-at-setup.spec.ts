import { expect, test } from '@playwright/test';
import { releasedPort } from '../support/free-port.ts';
import { runSuite } from '../support/run-suite.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';

// Before any test waits on a callback, the miner itself must reach the receiver: global setup's first job proves it.
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const SETUP_ONLY = ['--grep', 'matches no test', '--pass-with-no-tests'];

test("a callback address the miner cannot reach ends the run at setup, quoting the miner's own error", async () => {
  const port = await releasedPort();
  // The receiver listens on 127.0.0.1; the miner is told 127.0.0.2, where nothing listens: refused at once.
  const started = performance.now();
  const run = await withReferenceMiner({}, (minerUrl) =>
    runSuite({
      env: { ASYNC_MINER_URL: minerUrl, ASYNC_CALLBACK_BASE_URL: `http://127.0.0.2:${port}`, ASYNC_CALLBACK_BIND_HOST: '127.0.0.1' },
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  test.info().annotations.push({ type: 'run took', description: `${seconds.toFixed(1)} s` });
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toMatch(
    new RegExp(
      `The miner could not deliver a callback to http://127\\.0\\.0\\.2:\\d+/callback/[0-9a-f-]{36}: its record says callback failed \\("connect ECONNREFUSED 127\\.0\\.0\\.2:\\d+"\\) \\(the address came from rule explicit: ASYNC_CALLBACK_BASE_URL names http://127\\.0\\.0\\.2:${port}\\); set ASYNC_CALLBACK_BASE_URL to an address of this machine the miner can reach; a miner in Docker reaches it through its network's gateway \\(docker network inspect <project>_default → IPAM\\.Config\\[0\\]\\.Gateway`,
    ),
  );
  expect(run.output).toMatch(
    /Proving the callback path with the first job, [0-9a-f-]{36}, calling back http:\/\/127\.0\.0\.2:\d+\/callback\//,
  );
  expect(run.output).not.toMatch(STACK_FRAME);
  expect(run.tests, 'no test waited on a callback').toEqual([]);
});

test("a reachable callback address is proven at setup by the miner's own callback", async () => {
  const run = await withReferenceMiner({}, (minerUrl) => runSuite({ env: { ASYNC_MINER_URL: minerUrl }, args: SETUP_ONLY }));
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toMatch(/Callback path proven: the miner's callback reached the receiver [\d.]+ s after submission\./);
});

test('a miner that records no delivery and sends nothing is warned of, and the tests say the rest', async () => {
  const run = await withReferenceMiner({ faults: ['callback-never-sent'] }, (minerUrl) =>
    runSuite({ env: { ASYNC_MINER_URL: minerUrl, ASYNC_CALLBACK_TIMEOUT_SECONDS: '1' }, args: SETUP_ONLY }),
  );
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toMatch(/Callback path not proven: the first job [0-9a-f-]{36} ended but no callback arrived within 1 s/);
});
