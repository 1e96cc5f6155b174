import { expect, test as base } from '@playwright/test';
import { LOCAL_BASE_IMAGE } from '../../docker/miner-project.ts';
import { releasedPort } from '../support/free-port.ts';
import { runSuite } from '../support/run-suite.ts';
import { dockerUnavailableReason } from '../support/docker-availability.ts';
import { runNpmScript } from '../support/npm-script.ts';

// A project and port of its own: an operator's miner on 8091 is never touched. The local base keeps
// the test off any registry and the image's layer cache valid from run to run.
const PROJECT = 'kontext-e2e-test';
const SCRIPT_TIMEOUT_MS = 10 * 60_000;

type DockerMiner = { url: string; port: number; network: string; upOutput: string };

const test = base.extend<{ dockerMiner: DockerMiner }>({
  dockerMiner: async ({}, use, testInfo) => {
    const unavailable = await dockerUnavailableReason();
    testInfo.skip(unavailable !== undefined, unavailable);
    const port = await releasedPort();
    const env = { KONTEXT_DOCKER_PROJECT: PROJECT, KONTEXT_MINER_PORT: String(port), KONTEXT_BASE_IMAGE: LOCAL_BASE_IMAGE };
    const up = await runNpmScript('docker:up', env, SCRIPT_TIMEOUT_MS);
    if (up.code !== 0) {
      await runNpmScript('docker:down', env, SCRIPT_TIMEOUT_MS); // a half-started project must not outlive the test
      throw new Error(`npm run docker:up failed with exit code ${up.code}:\n${up.output}`);
    }
    // Code after use() runs whatever the test's outcome: the containers and network always go.
    await use({ url: `http://localhost:${port}`, port, network: `${PROJECT}_default`, upOutput: up.output });
    const down = await runNpmScript('docker:down', env, SCRIPT_TIMEOUT_MS);
    if (down.code !== 0) throw new Error(`npm run docker:down failed with exit code ${down.code}:\n${down.output}`);
  },
});

// The fixture's docker:up and docker:down count against the test's time: a first build needs minutes.
test.describe.configure({ timeout: 3 * SCRIPT_TIMEOUT_MS });

test('the callback specs pass against the reference miner in a container, with callbacks through the network gateway', async ({
  dockerMiner,
}) => {
  expect(dockerMiner.upOutput).toContain(`Base image: ${LOCAL_BASE_IMAGE}`);
  // The container's miner holds each callback 8 s, as a compliant miner does: the callback waits allow for it.
  const run = await runSuite({
    env: { ASYNC_MINER_URL: dockerMiner.url, ASYNC_VALIDATOR_MIN_SECONDS: '8' },
    args: ['specs/edit-callback.spec.ts'],
  });
  expect(run.output).toMatch(
    new RegExp(
      `receiver bound to 0\\.0\\.0\\.0 \\(rule docker-detected: a Docker container publishes the miner's port ${dockerMiner.port} on network ${dockerMiner.network}, whose gateway is \\d+\\.\\d+\\.\\d+\\.\\d+\\)`,
    ),
  );
  expect(run.tests.filter((t) => t.outcome !== 'expected').map((t) => `${t.title}: ${t.outcome}\n${t.errors}`)).toEqual([]);
  expect(run.tests.length, run.output).toBeGreaterThanOrEqual(4);
  expect(run.exitCode, run.output).toBe(0);
});
