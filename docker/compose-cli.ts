import { DockerScriptError } from './docker-script-error.ts';
import { runCommand, type CommandResult } from './run-command.ts';
import { COMPOSE_FILE, PROJECT_ROOT } from './miner-project.ts';

/** Which Compose answers here: the v2 plugin (`docker compose`) or Debian's v1 (`docker-compose`). */
export type Compose = { flavour: 'v2' | 'v1'; command: string; baseArgs: string[]; version: string };

const PROBE_TIMEOUT_MS = 15_000;

/** The daemon must answer before anything else: one sentence for no CLI and for no engine. */
export async function requireDockerDaemon(): Promise<void> {
  const info = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: PROBE_TIMEOUT_MS }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        throw new DockerScriptError('Expected the docker command on PATH, found none: install Docker (apt-get install docker.io).');
      throw error;
    },
  );
  if (info.code !== 0)
    throw new DockerScriptError(
      `Expected a Docker daemon to answer "docker info", it said: ${reasonLine(info)}; start it (dockerd, or systemctl start docker) and try again.`,
    );
}

/** Prefers Compose v2 and falls back to v1; neither is one sentence naming both packages. */
export async function detectCompose(): Promise<Compose> {
  const v2 = await probe('docker', ['compose', 'version', '--short']);
  if (v2) return { flavour: 'v2', command: 'docker', baseArgs: ['compose'], version: v2 };
  const v1 = await probe('docker-compose', ['version', '--short']);
  if (v1) return { flavour: 'v1', command: 'docker-compose', baseArgs: [], version: v1 };
  throw new DockerScriptError(
    'Expected Docker Compose as "docker compose" (v2) or "docker-compose" (v1), found neither: install docker-compose-plugin or docker-compose.',
  );
}

/** Runs `compose -p <project> -f docker-compose.yml <args>` in the project folder. */
export function compose(
  c: Compose,
  project: string,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return runCommand(c.command, [...c.baseArgs, '-p', project, '-f', COMPOSE_FILE, ...args], { ...options, cwd: PROJECT_ROOT });
}

async function probe(command: string, args: string[]): Promise<string | undefined> {
  const result = await runCommand(command, args, { timeoutMs: PROBE_TIMEOUT_MS }).catch(() => undefined);
  return result?.code === 0 ? result.stdout.trim() : undefined;
}

/** The line that says why a docker command failed: Compose v1 ends with a generic "Encountered errors" after the reason. */
export function reasonLine(result: CommandResult): string {
  const lines = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Encountered errors'));
  const reason = lines.filter((l) => /error|failed|denied|not found|no such|cannot/i.test(l)).at(-1) ?? lines.at(-1);
  return reason?.replace(/\.$/, '') ?? `exit code ${result.code}`;
}
