import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerScriptError } from './docker-script-error.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const COMPOSE_FILE = path.join(PROJECT_ROOT, 'docker-compose.yml');

/** The image docker-compose.yml tags the miner with. */
export const MINER_IMAGE = 'kontext-e2e/reference-miner:local';
/** The registry base the Dockerfile names, and the one made from this host's node when it cannot be pulled. */
export const REGISTRY_BASE_IMAGE = 'node:20-bookworm-slim';
export const LOCAL_BASE_IMAGE = 'kontext-e2e/node-base:local';

/** Project name and published port; a test picks its own so it never touches an operator's miner on 8091. */
export function minerProject(env: NodeJS.ProcessEnv = process.env) {
  const project = env.KONTEXT_DOCKER_PROJECT?.trim() || 'kontext-e2e';
  const port = Number(env.KONTEXT_MINER_PORT?.trim() || '8091');
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(project))
    throw new DockerScriptError(
      `KONTEXT_DOCKER_PROJECT accepts a Compose project name (lowercase letters, digits, - and _), but it is "${project}".`,
    );
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new DockerScriptError(`KONTEXT_MINER_PORT accepts a port number, but it is "${env.KONTEXT_MINER_PORT}".`);
  return { project, port, network: `${project}_default`, url: `http://localhost:${port}` };
}
