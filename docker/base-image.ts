import path from 'node:path';
import { reasonLine } from './compose-cli.ts';
import { DockerScriptError } from './docker-script-error.ts';
import { LOCAL_BASE_IMAGE, PROJECT_ROOT, REGISTRY_BASE_IMAGE } from './miner-project.ts';
import { runCommand, tail } from './run-command.ts';

const PULL_TIMEOUT_MS = 180_000;
const MAKE_TIMEOUT_MS = 120_000;

/** The base image to build on, and the one line that says where it came from. */
export type BaseImage = { image: string; origin: string };

/**
 * KONTEXT_BASE_IMAGE, else node:20-bookworm-slim when it is here or can be pulled, else a base made
 * from this host's node: the same Dockerfile builds with and without a registry.
 */
export async function chooseBaseImage(env: NodeJS.ProcessEnv = process.env): Promise<BaseImage> {
  const wanted = env.KONTEXT_BASE_IMAGE?.trim() || REGISTRY_BASE_IMAGE;
  if (wanted === LOCAL_BASE_IMAGE) return localBase('KONTEXT_BASE_IMAGE names it');
  if (await imageExists(wanted)) return { image: wanted, origin: `${wanted}, already on this machine` };
  const pull = await runCommand('docker', ['pull', '--quiet', wanted], { timeoutMs: PULL_TIMEOUT_MS });
  if (pull.code === 0) return { image: wanted, origin: `${wanted}, pulled from its registry` };
  if (wanted !== REGISTRY_BASE_IMAGE)
    throw new DockerScriptError(
      `Expected to pull the base image KONTEXT_BASE_IMAGE=${wanted}, the registry said: ${reasonLine(pull)}; name an image that exists, or unset KONTEXT_BASE_IMAGE.`,
    );
  return localBase(`${wanted} could not be pulled (${reasonLine(pull)})`);
}

async function localBase(reason: string): Promise<BaseImage> {
  const node = `node ${process.version}`;
  if (await imageExists(LOCAL_BASE_IMAGE))
    return { image: LOCAL_BASE_IMAGE, origin: `${LOCAL_BASE_IMAGE}, made earlier from this host's node, because ${reason}` };
  const made = await runCommand(path.join(PROJECT_ROOT, 'docker/make-node-base.sh'), [LOCAL_BASE_IMAGE], { timeoutMs: MAKE_TIMEOUT_MS });
  if (made.code !== 0)
    throw new DockerScriptError(
      `Expected to make ${LOCAL_BASE_IMAGE} from this host's ${node}, it failed: ${reasonLine(made)}`,
      tail(made),
    );
  return { image: LOCAL_BASE_IMAGE, origin: `${LOCAL_BASE_IMAGE}, made now from this host's ${node}, because ${reason}` };
}

async function imageExists(image: string): Promise<boolean> {
  const inspect = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { timeoutMs: 15_000 });
  return inspect.code === 0;
}
