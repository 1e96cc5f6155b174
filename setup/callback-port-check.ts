import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { OperatorError } from './operator-error.ts';

const SS_TIMEOUT_MS = 2_000;

/**
 * The port ASYNC_CALLBACK_BASE_URL names must be free on the bind host: the miner is told that port,
 * so a receiver elsewhere would never get a callback. Tried once at setup by listening on it.
 */
export async function checkCallbackPortFree(bindHost: string, port: number): Promise<void> {
  const problem = await tryListen(bindHost, port);
  if (!problem) return;
  const holder = problem === 'EADDRINUSE' ? await portHolder(port) : undefined;
  const why =
    problem === 'EADDRINUSE'
      ? `it is taken${holder ? ` by ${holder}` : ' (ss -ltnp could not say by what)'}`
      : `listening failed (${problem})`;
  throw new OperatorError(
    `ASYNC_CALLBACK_BASE_URL names port ${port} for the callback receiver, but on ${bindHost} ${why}: stop what holds it or name a free port in ASYNC_CALLBACK_BASE_URL.`,
  );
}

function tryListen(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** What `ss -ltnp` says listens on the port ("node (pid 1234)"), when ss exists and may tell. */
function portHolder(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('ss', ['-ltnpH', `sport = :${port}`], { timeout: SS_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout) => {
      if (error) return resolve(undefined);
      const line = stdout.split('\n').find((l) => l.trim());
      if (!line) return resolve(undefined);
      const user = /users:\(\("([^"]+)",pid=(\d+)/.exec(line);
      resolve(user ? `${user[1]} (pid ${user[2]})` : "a process ss -ltnp does not name (another user's)");
    });
  });
}
