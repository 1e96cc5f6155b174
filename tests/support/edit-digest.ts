import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { editPixels, encodePng, type EditParameters, type RgbImage } from '../../reference-miner/edit-engine.ts';

export const BASE_PARAMETERS: EditParameters = {
  prompt: 'Make the sky a warm sunset orange',
  seed: 42,
  guidanceScale: 2.5,
  numInferenceSteps: 28,
};

export async function sampleRgb(width = 256, height = 256, variant = 0): Promise<RgbImage> {
  const { data, info } = await sharp(await sampleImage({ width, height, variant }))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

export async function editDigest(): Promise<string> {
  const png = await encodePng(editPixels(await sampleRgb(), BASE_PARAMETERS));
  return createHash('sha256').update(png).digest('hex');
}

// Run as a script, it prints the digest: another process must print the same.
if (process.argv[1]?.endsWith('edit-digest.ts')) console.log(await editDigest());
