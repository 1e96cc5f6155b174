import { crc32 } from 'node:zlib';
import type { RgbImage } from './edit-engine.ts';
import type { Faults } from './faults.ts';
import { mix32, unit } from './seeded-hash.ts';

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

/** first-edit-differs: every 997th channel value off by one, as a kernel that rounds differently on its first, lazily compiled call. */
export function firstCallRounding(image: RgbImage): void {
  for (let i = 0; i < image.data.length; i += 997) image.data[i] = image.data[i]! ^ 1;
}

let shared: Buffer | undefined;

/** One module-level buffer across an await: a second job in flight overwrites the first one's pixels. */
export async function rawWithSharedBuffer(image: RgbImage): Promise<RgbImage> {
  if (!shared || shared.length !== image.data.length) shared = Buffer.alloc(image.data.length);
  image.data.copy(shared);
  await new Promise((resolve) => setTimeout(resolve, 250)); // wide enough that jobs started together overlap on a loaded machine
  return { ...image, data: Buffer.from(shared) };
}

/** Seeded noise of the given size: what an edit that never looked at its input starts from. */
export function seededNoise(width: number, height: number, seed: number): RgbImage {
  const data = Buffer.allocUnsafe(width * height * 3);
  const base = mix32(seed ^ 0x1b873593);
  for (let i = 0; i < data.length; i++) data[i] = mix32(base ^ Math.imul(i + 1, 0x9e3779b9)) & 0xff;
  return { width, height, data };
}

/** The output faults a miner's own image checks flag: mostly black, one flat colour, or the bottom rows never rendered. */
export function spoilOutput(image: RgbImage, seed: number, faults: Faults): void {
  const { data, width, height } = image;
  if (faults.has('black-output')) for (let i = 0; i < data.length; i++) data[i] = data[i]! >> 5; // every channel below 8
  if (faults.has('flat-output')) {
    const colour = [unit(seed, 11), unit(seed, 12), unit(seed, 13)].map((u) => Math.floor(u * 256));
    for (let i = 0; i < data.length; i += 3) data.set(colour, i);
  }
  if (faults.has('partial-render')) data.fill(0, Math.floor(height * 0.7) * width * 3);
}
