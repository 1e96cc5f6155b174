import { DeadlinePassed, waitUntil } from '../lib/wait-until.ts';
import { compose, type Compose } from './compose-cli.ts';
import { DockerScriptError } from './docker-script-error.ts';
import { runCommand, tail } from './run-command.ts';

const POLL_INTERVAL_MS = 250;
const REQUEST_TIMEOUT_MS = 2_000;

/**
 * Polls the published /health until it answers 200, and stops early when the container is no longer
 * running: a crashed miner is reported with its last log lines, not after the whole deadline.
 */
export async function waitForMinerHealth(c: Compose, project: string, port: number, timeoutMs: number): Promise<void> {
  const url = `http://127.0.0.1:${port}/health`;
  let last = 'no answer yet';
  const answersHealthy = async (): Promise<true | undefined> => {
    // A ref'd timer, unlike AbortSignal.timeout: undici's socket to a proxy still waiting for the container keeps no process alive.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(url, { signal: abort.signal });
      await response.arrayBuffer();
      if (response.ok) return true;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = describeFetchError(error);
    } finally {
      clearTimeout(timer);
    }
    const state = await containerState(c, project);
    if (state !== 'running' && state !== 'created' && state !== 'restarting')
      throw new DockerScriptError(
        `Expected the miner container of project ${project} to keep running, it is ${state}: read its log below, fix the cause and run npm run docker:up again.`,
        await logsTail(c, project),
      );
    return undefined;
  };
  try {
    await waitUntil(answersHealthy, { timeoutMs, describe: () => `${url} never answered 200`, pauses: [POLL_INTERVAL_MS] });
  } catch (error) {
    if (!(error instanceof DeadlinePassed)) throw error;
    throw new DockerScriptError(
      `Expected ${url} to answer 200 within ${timeoutMs / 1000} s, the last try gave ${last}: read the container's log below, and check that port ${port} is free on this host.`,
      await logsTail(c, project),
    );
  }
}

async function containerState(c: Compose, project: string): Promise<string> {
  const ids = await compose(c, project, ['ps', '-q', 'miner'], { timeoutMs: 15_000 });
  const id = ids.stdout.trim().split('\n')[0];
  if (!id) return 'gone';
  const inspect = await runCommand('docker', ['inspect', '--format', '{{.State.Status}}', id], { timeoutMs: 15_000 });
  return inspect.code === 0 ? inspect.stdout.trim() : 'gone';
}

async function logsTail(c: Compose, project: string): Promise<string> {
  return tail(await compose(c, project, ['logs', '--no-color', '--tail', '30', 'miner'], { timeoutMs: 15_000 }), 30);
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}
