import { loadImageFile } from '../lib/images/load-image-file.ts';
import { toOperatorError } from './operator-error.ts';

/** ASYNC_SAMPLE_IMAGE must be a readable PNG or JPEG: checked once at setup, not in every worker. */
export async function checkSampleImage(samplePath: string | undefined): Promise<void> {
  if (!samplePath) return;
  await loadImageFile(samplePath, { setting: 'ASYNC_SAMPLE_IMAGE' }).catch((error: unknown) => {
    throw toOperatorError(error);
  });
}
