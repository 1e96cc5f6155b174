import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadImageFile } from '../lib/images/load-image-file.ts';
import { sampleImage } from '../lib/images/sample-image.ts';
import { toOperatorError } from './operator-error.ts';
import type { MinerContext } from './run-context.ts';

// The run's folder holds what cannot travel in the run context: the sample input (too large for a variable), and
// what appears while the tests run (here, a miner that stopped answering; setup/edit-time-log.ts and
// setup/stored-callbacks.ts keep the rest).

// The image edits start from, made or read once per run: ASYNC_SAMPLE_IMAGE (a readable PNG or JPEG, checked
// here rather than in every worker) or the generated scene, whose pixels each worker would otherwise compute
// again while the miner waits for its first job.

/** Where the run's sample input is kept, for workers to read and report. */
export const sampleInputFile = (runStateDir: string) => path.join(runStateDir, 'sample-input');

export async function prepareSampleInput(samplePath: string | undefined, runStateDir: string): Promise<void> {
  const bytes = samplePath
    ? await loadImageFile(samplePath, { setting: 'ASYNC_SAMPLE_IMAGE' }).catch((error: unknown) => {
        throw toOperatorError(error);
      })
    : await sampleImage();
  writeFileSync(sampleInputFile(runStateDir), bytes);
}

export function readSampleInput(runStateDir: string): Buffer {
  return readFileSync(sampleInputFile(runStateDir));
}

// One file per miner: in a fleet, one miner's death does not stop the others' tests.
const unresponsiveFile = (context: MinerContext) =>
  path.join(context.runStateDir, `unresponsive-${Buffer.from(context.minerUrl).toString('base64url')}.txt`);

/** Remembers, for every worker of the run, the sentence of the first test that saw the miner stop answering. */
export function recordMinerUnresponsive(context: MinerContext, sentence: string): void {
  try {
    writeFileSync(unresponsiveFile(context), sentence, { flag: 'wx' });
  } catch {
    // another test recorded it first: its sentence stands
  }
}

/** The sentence recorded when the miner stopped answering earlier in this run, if it did. */
export function minerUnresponsiveEarlier(context: MinerContext): string | undefined {
  const file = unresponsiveFile(context);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}
