import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadImageFile } from '../lib/images/load-image-file.ts';
import { sampleImage } from '../lib/images/sample-image.ts';
import { toOperatorError } from './operator-error.ts';

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
