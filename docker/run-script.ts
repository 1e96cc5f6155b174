import { DockerScriptError } from './docker-script-error.ts';

/** Runs a docker:* script body: its lines prefixed with the script's name, any failure as one sentence and exit code 1. */
export async function runScript(name: string, body: (log: (line: string) => void) => Promise<void>): Promise<void> {
  const log = (line: string) => console.log(`[${name}] ${line}`);
  try {
    await body(log);
  } catch (error) {
    console.error(`[${name}] ${(error as Error).message}`);
    if (error instanceof DockerScriptError && error.details) console.error(error.details);
    process.exitCode = 1;
  }
}
