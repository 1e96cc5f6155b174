import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { decodePixels } from '../../lib/images/decode-pixels.ts';
import { sampleRgb } from '../support/edit-digest.ts';
import { expect, test, type MinerUnderTest } from '../support/reference-miner-fixtures.ts';

// The input is prepared as the real miner's PIL prepares it; validators compare file hashes, so these are exact.

type Raw = { width: number; height: number; channels: 1 | 2 | 3 | 4; data: Buffer };

const encode = ({ width, height, channels, data }: Raw) => {
  const image = sharp(data, { raw: { width, height, channels } });
  return (channels <= 2 ? image.toColourspace('b-w') : image).png().toBuffer();
};

/** Builds a raw image pixel by pixel from the RGB sample. */
function derive(
  rgb: { width: number; height: number; data: Buffer },
  channels: Raw['channels'],
  pixel: (r: number, g: number, b: number, i: number) => number[],
): Raw {
  const data = Buffer.alloc(rgb.width * rgb.height * channels);
  for (let i = 0; i < rgb.width * rgb.height; i++)
    data.set(pixel(rgb.data[i * 3]!, rgb.data[i * 3 + 1]!, rgb.data[i * 3 + 2]!, i), i * channels);
  return { width: rgb.width, height: rgb.height, channels, data };
}

/** Edits each input with the same parameters, concurrently; the output PNGs in order. */
async function editAll(miner: MinerUnderTest, inputs: Buffer[], seed = 7): Promise<Buffer[]> {
  const runs = await Promise.all(inputs.map((bytes) => miner.run({ prompt: 'x', seed, image_b64: bytes.toString('base64') })));
  return runs.map(({ record, png }) => {
    expect(record.status, `${record.id}: ${record.error}`).toBe('completed');
    return png!;
  });
}

test("inputs over 1024 px get PIL's truncated size in both orientations; smaller ones keep theirs", async ({ startMiner }) => {
  const miner = await startMiner({ inferenceWorkers: 2 });
  const sizes = [
    [1100, 700, 1024, 651],
    [700, 1100, 651, 1024],
    [2048, 1025, 1024, 512],
    [1500, 1500, 1024, 1024],
    [1024, 1000, 1024, 1000],
  ] as const;
  const outputs = await editAll(miner, await Promise.all(sizes.map(async ([w, h]) => encode({ ...(await sampleRgb(w, h)), channels: 3 }))));
  const got = await Promise.all(outputs.map(async (png) => sharp(png).metadata()));
  expect(got.map((m) => `${m.width}×${m.height}`)).toEqual(sizes.map(([, , w, h]) => `${w}×${h}`));
});

test('an RGBA input edits byte for byte like its own RGB channels, even where alpha is 0, resized or not', async ({ startMiner }) => {
  const miner = await startMiner({ inferenceWorkers: 2 });
  for (const [width, height] of [
    [96, 64],
    [1100, 700],
  ] as const) {
    const rgb = await sampleRgb(width, height);
    const rgba = derive(rgb, 4, (r, g, b, i) => [r, g, b, i % 256]);
    const [fromRgb, fromRgba] = await editAll(miner, [await encode({ ...rgb, channels: 3 }), await encode(rgba)]);
    expect(fromRgba!.equals(fromRgb!), `${width}×${height}`).toBe(true);
  }
});

test('grey (L, LA), palette (P) and CMYK inputs edit like their RGB expansion', async ({ startMiner }) => {
  const miner = await startMiner({ inferenceWorkers: 2 });
  const rgb = await sampleRgb(96, 64);
  const grey = derive(rgb, 1, (r) => [r]);
  const greyAlpha = derive(rgb, 2, (r, _g, _b, i) => [r, (i * 7) % 256]);
  const greyAsRgb = derive(rgb, 3, (r) => [r, r, r]);
  const palette = await sharp(rgb.data, { raw: { width: 96, height: 64, channels: 3 } })
    .png({ palette: true, colours: 32 })
    .toBuffer();
  const paletteAsRgb = await sharp(palette).raw().toBuffer({ resolveWithObject: true });
  const cmyk = await sharp(rgb.data, { raw: { width: 96, height: 64, channels: 3 } })
    .toColourspace('cmyk')
    .jpeg({ quality: 95 })
    .toBuffer();
  const inks = await sharp(cmyk).toColourspace('cmyk').raw().toBuffer();
  const cmykAsRgb = derive(rgb, 3, (_r, _g, _b, i) => pillowCmykToRgb(inks.subarray(i * 4, i * 4 + 4)));
  expect((await sharp(palette).metadata()).isPalette).toBe(true);
  const [l, la, expanded, p, pExpanded, c, cExpanded] = await editAll(miner, [
    await encode(grey),
    await encode(greyAlpha),
    await encode(greyAsRgb),
    palette,
    await encode({ width: 96, height: 64, channels: 3, data: paletteAsRgb.data }),
    cmyk,
    await encode(cmykAsRgb),
  ]);
  expect(l!.equals(expanded!), 'L').toBe(true);
  expect(la!.equals(expanded!), 'LA').toBe(true);
  expect(p!.equals(pExpanded!), 'P').toBe(true);
  expect(c!.equals(cExpanded!), 'CMYK').toBe(true);
});

/** Pillow's cmyk2rgb, restated: (255 - k) less the ink's share of it. */
function pillowCmykToRgb([c, m, y, k]: Buffer): number[] {
  const nk = 255 - k!;
  return [c!, m!, y!].map((ink) => {
    const t = ink * nk + 128;
    return nk - (((t >> 8) + t) >> 8);
  });
}

test('base64 is decoded as Python does: line breaks, spaces and a data-URL prefix are skipped, wrong padding is refused', async ({
  miner,
  imageB64,
}) => {
  const wrapped = imageB64.replace(/.{1,76}/g, '$&\r\n');
  const spaced = imageB64.replace(/.{1,10}/g, '$& ');
  const runs = await Promise.all(
    [imageB64, wrapped, spaced, `data:image/png;base64,${wrapped}`].map((image_b64) => miner.run({ prompt: 'x', seed: 7, image_b64 })),
  );
  for (const [i, run] of runs.entries()) expect(run.png?.equals(runs[0]!.png!), `variant ${i}`).toBe(true);
  const refused = await miner.edit({ prompt: 'x', seed: 7, image_b64: withWrongPadding(imageB64) });
  expect(refused.status).toBe(400);
  expect(refused.json.detail).toMatch(/not valid base64/);
});

/** The same text with its padding gone and a quad left short: Python's "Incorrect padding". */
function withWrongPadding(b64: string): string {
  const bare = b64.replace(/=+$/, '');
  return bare.length % 4 === 0 ? bare.slice(0, -1) : bare;
}

test('EXIF orientation is not applied: a tagged JPEG edits like the same pixels without the tag', async ({ miner }) => {
  const rgb = await sampleRgb(96, 64);
  const jpeg = sharp(rgb.data, { raw: { width: 96, height: 64, channels: 3 } }).jpeg({ quality: 90 });
  const [plain, rotated] = await editAll(miner, [
    await jpeg.clone().toBuffer(),
    await jpeg.clone().withMetadata({ orientation: 6 }).toBuffer(),
  ]);
  expect(rotated!.equals(plain!)).toBe(true);
  const output = await decodePixels(rotated!);
  expect([output.width, output.height]).toEqual([96, 64]);
});

test('every seed in [0, 2^32) edits, 0 and 2^32-1 included, each its own image, and again the same', async ({ startMiner, imageB64 }) => {
  const miner = await startMiner({ inferenceWorkers: 2 });
  const seeds = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1];
  const runs = await Promise.all([...seeds, 0, 2 ** 32 - 1].map((seed) => miner.run({ prompt: 'x', seed, image_b64: imageB64 })));
  const digests = runs.map(
    ({ record, png }) =>
      `${record.status} ${createHash('sha256')
        .update(png ?? '')
        .digest('hex')}`,
  );
  expect(new Set(digests.slice(0, seeds.length)).size).toBe(seeds.length);
  expect(digests.slice(seeds.length)).toEqual([digests[0], digests[seeds.length - 1]]);
  expect(runs.every((r) => r.record.status === 'completed')).toBe(true);
});
