import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TimedEdit } from '../lib/edit-time-trend.ts';
import { DeadlinePassed, waitUntil } from '../lib/wait-until.ts';
import type { MinerContext } from './run-context.ts';

// Every test that edits appends to one file per miner in the run's state folder: a line when it begins, and
// one with the edits it timed when it ends. The miner-over-time check, handed out last, reads the whole run
// from it in the order the miner served it, once no other test is still running.

type LogLine = { began: string; pid: number } | { ended: string; edits: TimedEdit[] };

const logFile = (context: MinerContext) =>
  path.join(context.runStateDir, `edit-times-${Buffer.from(context.minerUrl).toString('base64url')}.jsonl`);

export function recordTestBegan(context: MinerContext, testId: string): void {
  append(context, { began: testId, pid: process.pid });
}

export function recordTestEnded(context: MinerContext, testId: string, edits: readonly TimedEdit[]): void {
  append(context, { ended: testId, edits: [...edits] });
}

export function readEditTimes(context: MinerContext): TimedEdit[] {
  return readLog(context).flatMap((line) => ('ended' in line ? line.edits : []));
}

/** Tests that began and have not ended, leaving out those whose worker process is gone (it crashed mid-test). */
function testsStillRunning(context: MinerContext): string[] {
  const lines = readLog(context);
  const ended = new Set(lines.flatMap((line) => ('ended' in line ? [line.ended] : [])));
  return lines.flatMap((line) => ('began' in line && !ended.has(line.began) && processAlive(line.pid) ? [line.began] : []));
}

/** Waits until no other test is running; at the deadline, names those still running rather than failing. */
export async function waitForTestsToEnd(context: MinerContext, timeoutMs: number): Promise<string[]> {
  try {
    return await waitUntil(() => (testsStillRunning(context).length ? undefined : []), {
      timeoutMs,
      describe: () => `tests still running: ${testsStillRunning(context).join(', ')}`,
    });
  } catch (error) {
    if (error instanceof DeadlinePassed) return testsStillRunning(context);
    throw error;
  }
}

function append(context: MinerContext, line: LogLine): void {
  appendFileSync(logFile(context), `${JSON.stringify(line)}\n`);
}

function readLog(context: MinerContext): LogLine[] {
  const file = logFile(context);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, only not ours to signal
  }
}
