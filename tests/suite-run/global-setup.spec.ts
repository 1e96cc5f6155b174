import { expect, test } from '@playwright/test';
import { runSuite } from '../support/run-suite.ts';
import { dockerStandIn, networkInspectJson } from '../support/docker-stand-in.ts';
import { releasedPort } from '../support/free-port.ts';
import { HEALTH_WITH_EDITING_DISABLED, HEALTH_WITH_EDITING_ENABLED, startStubHealth } from '../support/stub-miner.ts';

const NETWORK = 'dippy-studio-bittensor-miner_default';

// Global setup stops a run with one sentence an operator can act on, never a stack trace alone.
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

test('an unreachable miner fails the run with the URL, the error and the checks to make', async () => {
  const url = `http://127.0.0.1:${await releasedPort()}`;
  const run = await runSuite({ env: { ASYNC_MINER_URL: url, ASYNC_HEALTH_TIMEOUT_SECONDS: '1' } });
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain(`Miner unreachable: ${url}/health gave no healthy answer within 1 s`);
  expect(run.output).toMatch(/ECONNREFUSED.*docker ps \| grep miner.*curl .*\/health.*ASYNC_SKIP_IF_MINER_UNAVAILABLE=true/);
  expect(run.output).not.toMatch(STACK_FRAME);
  expect(run.tests).toEqual([]);
});

test('ASYNC_SKIP_IF_MINER_UNAVAILABLE=true skips every test instead, as the original suite did', async () => {
  const url = `http://127.0.0.1:${await releasedPort()}`;
  const run = await runSuite({
    env: { ASYNC_MINER_URL: url, ASYNC_HEALTH_TIMEOUT_SECONDS: '1', ASYNC_SKIP_IF_MINER_UNAVAILABLE: 'true' },
  });
  expect(run.exitCode).toBe(0);
  expect(run.output).toContain(`Miner server unavailable at ${url}`);
  expect(run.tests.length).toBeGreaterThan(5);
  expect(run.tests.filter((t) => t.outcome !== 'skipped')).toEqual([]);
});

test('a miner with editing disabled fails the run telling to set ENABLE_KONTEXT_EDIT=true', async () => {
  const miner = await startStubHealth(200, HEALTH_WITH_EDITING_DISABLED);
  try {
    const run = await runSuite({ env: { ASYNC_MINER_URL: miner.url } });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain('Kontext editing must be enabled');
    expect(run.output).toContain('set ENABLE_KONTEXT_EDIT=true');
    expect(run.output).not.toMatch(STACK_FRAME);
  } finally {
    await miner.close();
  }
});

test("a /health that is not the miner's says what came and what to check", async () => {
  const notAMiner = await startStubHealth(200, '<html>nginx welcome</html>');
  try {
    const run = await runSuite({ env: { ASYNC_MINER_URL: notAMiner.url } });
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain(`${notAMiner.url}/health answered, but not with the miner's health document`);
    expect(run.output).toContain('<html>nginx welcome</html>');
    expect(run.output).not.toMatch(STACK_FRAME);
  } finally {
    await notAMiner.close();
  }
});

test('a malformed setting stops the run naming the variable, what it accepts and what came', async () => {
  const run = await runSuite({ env: { ASYNC_CALLBACK_BASE_URL: '172.18.0.1:8092' } });
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toContain(
    'ASYNC_CALLBACK_BASE_URL accepts an http(s) URL such as http://localhost:8091, but it is "172.18.0.1:8092": fix ASYNC_CALLBACK_BASE_URL in the environment or in .env.',
  );
  expect(run.output).not.toMatch(STACK_FRAME);
});

test('a miner in Docker gets callbacks through its network gateway, found with the docker CLI', async () => {
  const miner = await startStubHealth(200, HEALTH_WITH_EDITING_ENABLED);
  const port = new URL(miner.url).port;
  const docker = dockerStandIn({ ps: `dippy-miner-1\t${NETWORK}`, inspect: networkInspectJson(NETWORK, '172.18.0.1') });
  try {
    const run = await runSuite({
      env: { ASYNC_MINER_URL: miner.url, PATH: `${docker.env.PATH}:${process.env.PATH}` },
      args: ['--grep', 'matches no test', '--pass-with-no-tests'],
    });
    expect(run.exitCode, run.output).toBe(0);
    expect(run.output).toContain(
      `Callbacks reach http://172.18.0.1 on a free port per worker, receiver bound to 0.0.0.0 (rule docker-detected: a Docker container publishes the miner's port ${port} on network ${NETWORK}, whose gateway is 172.18.0.1)`,
    );
    expect(docker.calls()).toEqual([`ps --filter publish=${port} --format {{.Names}}\t{{.Networks}}`, `network inspect ${NETWORK}`]);
  } finally {
    await miner.close();
  }
});
