import { crc32 } from 'node:zlib';
import type { RgbImage } from './edit-engine.ts';

let runCounter = 0;

/** Nudges ~20 pixels by a per-process counter: the signature of a nondeterministic kernel. */
export function nondeterministicNudge(image: RgbImage): void {
  runCounter++;
  const pixels = image.width * image.height;
  for (let k = 0; k < 20; k++) {
    const i = ((runCounter * 7919 + k * 104_729) % pixels) * 3;
    image.data[i] = (image.data[i]! + 1 + (runCounter % 7)) & 0xff;
  }
}

/** A tEXt chunk with the time after IHDR: same pixels, other bytes on every run. */
export function pngWithRunStamp(png: Buffer): Buffer {
  const text = Buffer.from(`Creation Time\0${new Date().toISOString()} run ${++runCounter}`, 'latin1');
  const type = Buffer.from('tEXt', 'latin1');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(text.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, text])));
  const ihdrEnd = 8 + 4 + 4 + 13 + 4;
  return Buffer.concat([png.subarray(0, ihdrEnd), length, type, text, crc, png.subarray(ihdrEnd)]);
}

let shared: Buffer | undefined;

/** One module-level buffer across an await: a second job in flight overwrites the first one's pixels. */
export async function rawWithSharedBuffer(image: RgbImage): Promise<RgbImage> {
  if (!shared || shared.length !== image.data.length) shared = Buffer.alloc(image.data.length);
  image.data.copy(shared);
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { ...image, data: Buffer.from(shared) };
}
