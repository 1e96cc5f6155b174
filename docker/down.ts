import { compose, detectCompose, reasonLine, requireDockerDaemon } from './compose-cli.ts';
import { LOCAL_BASE_IMAGE, MINER_IMAGE, minerProject } from './miner-project.ts';
import { DockerScriptError } from './docker-script-error.ts';
import { runCommand } from './run-command.ts';
import { runScript } from './run-script.ts';

// `npm run docker:down [-- --images]`: remove the miner's containers and network, and with --images its images.
await runScript('docker:down', async (log) => {
  const { project, network } = minerProject();
  await requireDockerDaemon();
  const c = await detectCompose();
  const down = await compose(c, project, ['down', '--remove-orphans', '--timeout', '10'], { timeoutMs: 120_000 });
  if (down.code !== 0) throw new DockerScriptError(`Expected Compose to remove project ${project}, it said: ${reasonLine(down)}.`);
  log(`Removed the containers and the network ${network} of project ${project}.`);
  if (!process.argv.includes('--images')) return;
  for (const image of [MINER_IMAGE, LOCAL_BASE_IMAGE]) {
    const rm = await runCommand('docker', ['image', 'rm', image], { timeoutMs: 60_000 });
    log(rm.code === 0 ? `Removed the image ${image}.` : `Kept the image ${image}: ${reasonLine(rm)}.`);
  }
});
