import { detectCompose, requireDockerDaemon } from '../../docker/compose-cli.ts';
import { DockerScriptError } from '../../docker/docker-script-error.ts';

/** Why the Docker path cannot run here (no CLI, no daemon, no Compose), or undefined when it can. */
export async function dockerUnavailableReason(): Promise<string | undefined> {
  try {
    await requireDockerDaemon();
    await detectCompose();
    return undefined;
  } catch (error) {
    if (error instanceof DockerScriptError) return `Docker is not usable here, so the container path is not tested: ${error.message}`;
    throw error;
  }
}
