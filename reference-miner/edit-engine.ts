import sharp from 'sharp';
import { hashString, mix32, unit } from './seeded-hash.ts';

export type RgbImage = { width: number; height: number; data: Buffer };

export type EditParameters = {
  prompt: string;
  seed: number;
  guidanceScale: number;
  numInferenceSteps: number;
};

/** Departures from the reference build, each a fault's hook: the defaults change nothing. */
export type EngineQuirks = {
  /** Scales the film grain; 1 is the reference. */
  grainAmplitude?: number;
  /** Mixed into the grain's seed, as state leaking from another job would be. */
  grainSalt?: number;
};

/** Fixed encoder settings and no metadata: the same pixels always give the same file. */
export async function encodePng(image: RgbImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png({ compressionLevel: 6, adaptiveFiltering: false, palette: false })
    .toBuffer();
}

/**
 * The stand-in for FLUX Kontext: a pure function of the input pixels and the four parameters.
 * The prompt picks a colour grade, guidance its strength, the steps a posterise level, and the seed
 * a film grain over every pixel and the place of a soft light leak, so the input stays recognisable.
 */
export function editPixels(input: RgbImage, parameters: EditParameters, quirks: EngineQuirks = {}): RgbImage {
  const { width, height, data } = input;
  const promptHash = hashString(parameters.prompt);
  const seed = (parameters.seed >>> 0) ^ Math.floor(parameters.seed / 0x1_0000_0000);
  const tint = [64 + (promptHash & 0xbf), 64 + ((promptHash >>> 8) & 0xbf), 64 + ((promptHash >>> 16) & 0xbf)];
  const strength = Math.min(0.8, 0.1 + parameters.guidanceScale / 25);
  const levels = Math.max(3, Math.min(40, 2 + Math.floor(parameters.numInferenceSteps / 2)));
  const step = 255 / (levels - 1);
  const leakX = unit(seed, 1) * width;
  const leakY = unit(seed, 2) * height;
  const leakRadius2 = (0.25 + 0.25 * unit(seed, 3)) ** 2 * (width * width + height * height);
  const salt = quirks.grainSalt === undefined ? 0 : mix32(hashString(String(quirks.grainSalt)) ^ 0x85ebca6b) | 1;
  const grainSeed = mix32(seed ^ 0x5bd1e995 ^ salt);
  const amplitude = quirks.grainAmplitude ?? 1;

  const out = Buffer.allocUnsafe(data.length);
  for (let y = 0, i = 0; y < height; y++) {
    const dy2 = (y - leakY) * (y - leakY);
    for (let x = 0; x < width; x++, i += 3) {
      const d2 = (x - leakX) * (x - leakX) + dy2;
      const leak = d2 < leakRadius2 ? 48 * (1 - d2 / leakRadius2) : 0;
      const grain = ((mix32(grainSeed ^ (i * 0x27d4eb2d)) & 15) - 7.5) * amplitude;
      for (let c = 0; c < 3; c++) {
        const graded = data[i + c]! + (tint[c]! - data[i + c]!) * strength;
        const posterised = Math.round(graded / step) * step;
        const value = posterised + leak * (c === 2 ? 0.4 : 1) + grain;
        out[i + c] = value < 0 ? 0 : value > 255 ? 255 : value;
      }
    }
  }
  return { width, height, data: out };
}
