import { chooseBaseImage } from './base-image.ts';
import { compose, detectCompose, reasonLine, requireDockerDaemon } from './compose-cli.ts';
import { DockerScriptError } from './docker-script-error.ts';
import { runScript } from './run-script.ts';
import { MINER_IMAGE, minerProject } from './miner-project.ts';
import { tail } from './run-command.ts';
import { waitForMinerHealth } from './wait-for-miner.ts';

const BUILD_TIMEOUT_MS = 600_000;
const START_TIMEOUT_MS = 120_000;
const HEALTH_TIMEOUT_MS = 60_000;

// `npm run docker:up`: build the reference miner's image, start it with Compose, wait for /health.
await runScript('docker:up', async (log) => {
  const { project, port, network, url } = minerProject();
  await requireDockerDaemon();
  const c = await detectCompose();
  log(`Compose ${c.version} (${c.flavour}: ${[c.command, ...c.baseArgs].join(' ')}), project ${project}.`);
  const base = await chooseBaseImage();
  log(`Base image: ${base.origin}.`);
  const env = { ...process.env, KONTEXT_BASE_IMAGE: base.image, KONTEXT_MINER_PORT: String(port) };
  const started = Date.now();
  const build = await compose(c, project, ['build', 'miner'], { timeoutMs: BUILD_TIMEOUT_MS, env });
  if (build.code !== 0)
    throw new DockerScriptError(`Expected ${MINER_IMAGE} to build on ${base.image}, it failed: read the build's end below.`, tail(build));
  log(`Built ${MINER_IMAGE} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  const up = await compose(c, project, ['up', '-d', '--no-build', 'miner'], { timeoutMs: START_TIMEOUT_MS, env });
  if (up.code !== 0)
    throw new DockerScriptError(
      `Expected the miner container to start, Compose said: ${reasonLine(up)}; check that port ${port} is free (KONTEXT_MINER_PORT picks another).`,
    );
  await waitForMinerHealth(c, project, port, HEALTH_TIMEOUT_MS);
  log(`The reference miner answers at ${url}/health on network ${network}: run ASYNC_MINER_URL=${url} npx playwright test`);
});
