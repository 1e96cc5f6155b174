import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { TimedEdit } from '../lib/edit-time-trend.ts';
import type { SuiteContext } from './suite-context.ts';

// Every worker appends the edits its tests timed to one file per miner in the run's state folder, so the
// check that runs after the conformance project sees the whole run in the order the miner served it.

const logFile = (context: SuiteContext) =>
  path.join(context.runStateDir, `edit-times-${Buffer.from(context.minerUrl).toString('base64url')}.jsonl`);

export function appendEditTimes(context: SuiteContext, edits: readonly TimedEdit[]): void {
  if (edits.length) appendFileSync(logFile(context), edits.map((edit) => `${JSON.stringify(edit)}\n`).join(''));
}

export function readEditTimes(context: SuiteContext): TimedEdit[] {
  const file = logFile(context);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TimedEdit);
}
