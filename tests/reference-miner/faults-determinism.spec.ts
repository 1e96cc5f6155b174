import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { decodePixels } from '../../lib/images/decode-pixels.ts';
import { readPngChunks } from '../../lib/images/png-file.ts';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { sampleRgb } from './edit-digest.ts';
import { healthyAndFaulty } from './healthy-and-faulty.ts';
import { expect, test, type MinerUnderTest } from './miner-test.ts';

// The determinism & inputs faults: each is observable, and the healthy miner differs.

const rawPng = (data: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4) => {
  const image = sharp(data, { raw: { width, height, channels } });
  return (channels <= 2 ? image.toColourspace('b-w') : image).png().toBuffer();
};
const b64 = (bytes: Buffer) => bytes.toString('base64');

/** Edits each image_b64 with the same prompt and seed, concurrently; the PNGs in order. */
async function edits(miner: MinerUnderTest, images: Buffer[], extra: object = {}): Promise<Buffer[]> {
  const runs = await Promise.all(images.map((bytes) => miner.run({ prompt: 'x', seed: 5, image_b64: b64(bytes), ...extra })));
  return runs.map(({ record, png }) => png ?? Buffer.from(`${record.status}: ${record.error}`));
}

/** Submits one after the other, so later jobs wait in the queue, then collects every result. */
async function underLoad(miner: MinerUnderTest, bodies: object[]): Promise<Buffer[]> {
  const ids: string[] = [];
  for (const body of bodies) ids.push((await miner.edit(body)).json.job_id as string);
  return Promise.all(ids.map(async (id) => (await miner.get(`/edit/result/${(await miner.waitForEnd(id)).id}`)).bytes));
}

test('queue-dependent-output: a job that starts with another queued differs from the same job alone; alone it is right', async ({
  startMiner,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'queue-dependent-output', { editLatencyMs: 150 });
  const bodies = [1, 2, 3].map((seed) => ({ prompt: 'x', seed, image_b64: imageB64 }));
  const alone: Buffer[] = [];
  for (const body of bodies) alone.push((await healthy.run(body)).png!);
  const same = (pngs: Buffer[]) => pngs.map((png, i) => png.equals(alone[i]!));
  expect(same(await underLoad(healthy, bodies)), 'healthy under load').toEqual([true, true, true]);
  // The first starts alone, the second while the third waits, the third alone again.
  expect(same(await underLoad(faulty, bodies)), 'faulty under load').toEqual([true, false, true]);
});

test('seed-zero-random: seed 0 gives another image on every run; other seeds stay deterministic', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'seed-zero-random');
  const repeatable = async (miner: MinerUnderTest, seed: number) => {
    const [a, b] = await Promise.all([0, 1].map(() => miner.run({ prompt: 'x', seed, image_b64: imageB64 })));
    return a!.png!.equals(b!.png!);
  };
  expect(await repeatable(faulty, 0)).toBe(false);
  expect(await repeatable(faulty, 1)).toBe(true);
  expect(await repeatable(healthy, 0)).toBe(true);
});

test('seed-above-int32-refused: seed 2^31 answers 422 naming body.seed; 2^31-1 is accepted', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'seed-above-int32-refused');
  const refused = await faulty.edit({ prompt: 'x', seed: 2 ** 31, image_b64: imageB64 });
  expect(refused.status).toBe(422);
  expect(refused.json.detail[0].loc).toEqual(['body', 'seed']);
  expect((await faulty.edit({ prompt: 'x', seed: 2 ** 31 - 1, image_b64: imageB64 })).status).toBe(200);
  expect((await healthy.edit({ prompt: 'x', seed: 2 ** 32 - 1, image_b64: imageB64 })).status).toBe(200);
});

test('seed-clamped-int32: seeds 2^32-1 and 2^32-2 edit alike', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'seed-clamped-int32');
  const alike = async (miner: MinerUnderTest) => {
    const [a, b] = await Promise.all([2 ** 32 - 1, 2 ** 32 - 2].map((seed) => miner.run({ prompt: 'x', seed, image_b64: imageB64 })));
    return a!.png!.equals(b!.png!);
  };
  expect(await alike(faulty)).toBe(true);
  expect(await alike(healthy)).toBe(false);
});

test('resize-rounded: 1100×700 shrinks to 1024×652 instead of 1024×651', async ({ startMiner }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'resize-rounded');
  const input = await sampleImage({ width: 1100, height: 700 });
  const size = async (miner: MinerUnderTest) => {
    const { width, height } = await sharp((await edits(miner, [input]))[0]).metadata();
    return `${width}×${height}`;
  };
  expect(await size(faulty)).toBe('1024×652');
  expect(await size(healthy)).toBe('1024×651');
});

test('alpha-composited: an RGBA input no longer edits like its RGB channels', async ({ startMiner }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'alpha-composited');
  const rgb = await sampleRgb(96, 64);
  const rgba = Buffer.alloc(96 * 64 * 4);
  for (let i = 0; i < 96 * 64; i++) rgba.set([...rgb.data.subarray(i * 3, i * 3 + 3), i % 256], i * 4);
  const inputs = [await rawPng(rgb.data, 96, 64, 3), await rawPng(rgba, 96, 64, 4)];
  const [fRgb, fRgba] = await edits(faulty, inputs);
  const [hRgb, hRgba] = await edits(healthy, inputs);
  expect(fRgba!.equals(fRgb!)).toBe(false);
  expect(hRgba!.equals(hRgb!)).toBe(true);
});

test('grayscale-refused: L, LA and P inputs answer 400 "unsupported image mode", or fail the job in the later revision', async ({
  startMiner,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'grayscale-refused');
  const later = await startMiner({ faults: ['grayscale-refused'], protocolRevision: 'later' });
  const rgb = await sampleRgb(96, 64);
  const grey = Buffer.from(rgb.data.filter((_, i) => i % 3 === 0));
  const inputs = [
    await rawPng(grey, 96, 64, 1),
    await rawPng(Buffer.from([...grey].flatMap((g) => [g, 200])), 96, 64, 2),
    await sharp(rgb.data, { raw: { width: 96, height: 64, channels: 3 } })
      .png({ palette: true })
      .toBuffer(),
  ];
  for (const [i, input] of inputs.entries()) {
    const refused = await faulty.edit({ prompt: 'x', seed: 1, image_b64: b64(input) });
    expect(refused.status, `input ${i}`).toBe(400);
    expect(refused.json.detail, `input ${i}`).toMatch(/unsupported image mode (L|LA|P)\b/);
    const failed = await later.run({ prompt: 'x', seed: 1, image_b64: b64(input) });
    expect(failed.record, `input ${i}`).toMatchObject({ status: 'failed', error: expect.stringMatching(/unsupported image mode/) });
    expect((await healthy.run({ prompt: 'x', seed: 1, image_b64: b64(input) })).record.status, `input ${i}`).toBe('completed');
  }
});

test('palette-indices-as-gray: a palette PNG edits like the grey image of its indices', async ({ startMiner }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'palette-indices-as-gray');
  const rgb = await sampleRgb(96, 64);
  const palette = await sharp(rgb.data, { raw: { width: 96, height: 64, channels: 3 } })
    .png({ palette: true, colours: 16 })
    .toBuffer();
  const plte = readPngChunks(palette).find((chunk) => chunk.type === 'PLTE')!.data;
  const colours = Array.from({ length: plte.length / 3 }, (_, i) => plte.readUIntBE(i * 3, 3));
  const expanded = (await decodePixels(palette)).data;
  const indices = Buffer.alloc(96 * 64);
  for (let i = 0; i < indices.length; i++) indices[i] = colours.indexOf(expanded.readUIntBE(i * 3, 3));
  const inputs = [palette, await rawPng(indices, 96, 64, 1)];
  const [fPalette, fIndices] = await edits(faulty, inputs);
  const [hPalette, hIndices] = await edits(healthy, inputs);
  expect(fPalette!.equals(fIndices!)).toBe(true);
  expect(hPalette!.equals(hIndices!)).toBe(false);
});

test('base64-strict: MIME-wrapped base64 is refused as invalid', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'base64-strict');
  const wrapped = imageB64.replace(/.{1,76}/g, '$&\n');
  const refused = await faulty.edit({ prompt: 'x', seed: 1, image_b64: wrapped });
  expect(refused.status).toBe(400);
  expect(refused.json.detail).toMatch(/not valid base64/);
  expect((await faulty.edit({ prompt: 'x', seed: 1, image_b64: imageB64 })).status).toBe(200);
  expect((await healthy.edit({ prompt: 'x', seed: 1, image_b64: wrapped })).status).toBe(200);
});

test('defaults-differ: an omitted guidance_scale edits and echoes as 3.5', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'defaults-differ');
  const omittedAndExplicit = async (miner: MinerUnderTest, explicit: number) => {
    const [omitted, sent] = await Promise.all([
      miner.run({ prompt: 'x', seed: 1, image_b64: imageB64 }),
      miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, guidance_scale: explicit }),
    ]);
    return { echo: omitted.record.request.guidance_scale, same: omitted.png!.equals(sent.png!) };
  };
  expect(await omittedAndExplicit(faulty, 3.5)).toEqual({ echo: 3.5, same: true });
  expect(await omittedAndExplicit(healthy, 2.5)).toEqual({ echo: 2.5, same: true });
});

/** Share of pixels with every channel below 10: the upstream check for a mostly black output. */
const darkShare = async (png: Buffer) => {
  const { data } = await decodePixels(png);
  let dark = 0;
  for (let i = 0; i < data.length; i += 3) if (data[i]! < 10 && data[i + 1]! < 10 && data[i + 2]! < 10) dark++;
  return dark / (data.length / 3);
};

test('black-output: over half the pixels are black, the same on every run', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'black-output');
  const input = Buffer.from(imageB64, 'base64');
  const [first, second] = await edits(faulty, [input, input]);
  expect(await darkShare(first!)).toBeGreaterThan(0.5);
  expect(first!.equals(second!)).toBe(true);
  expect(await darkShare((await edits(healthy, [input]))[0]!)).toBeLessThan(0.5);
});

test('flat-output: every pixel has the same colour', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'flat-output');
  const colours = async (miner: MinerUnderTest) => {
    const { data } = await decodePixels((await edits(miner, [Buffer.from(imageB64, 'base64')]))[0]!);
    return new Set(Array.from({ length: data.length / 3 }, (_, i) => data.readUIntBE(i * 3, 3))).size;
  };
  expect(await colours(faulty)).toBe(1);
  expect(await colours(healthy)).toBeGreaterThan(100);
});

test('partial-render: the bottom 30 % of rows are black', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'partial-render');
  const bottomLit = async (miner: MinerUnderTest) => {
    const { data, width, height } = await decodePixels((await edits(miner, [Buffer.from(imageB64, 'base64')]))[0]!);
    return data.subarray(Math.ceil(height * 0.7) * width * 3).some((v) => v > 0);
  };
  expect(await bottomLit(faulty)).toBe(false);
  expect(await bottomLit(healthy)).toBe(true);
});

test('input-ignored: two different inputs of one size give the same output', async ({ startMiner }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'input-ignored');
  const inputs = [await sampleImage({ width: 96, height: 64 }), await sampleImage({ width: 96, height: 64, variant: 1 })];
  const [fa, fb] = await edits(faulty, inputs);
  const [ha, hb] = await edits(healthy, inputs);
  expect(fa!.equals(fb!)).toBe(true);
  expect(ha!.equals(hb!)).toBe(false);
});

test("engine-drift: deterministic, but every digest differs from the reference engine's", async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'engine-drift');
  const input = Buffer.from(imageB64, 'base64');
  const digests = async (miner: MinerUnderTest, extra: object) =>
    (await edits(miner, [input, input], extra)).map((png) => createHash('sha256').update(png).digest('hex'));
  for (const extra of [{}, { seed: 9, guidance_scale: 7 }]) {
    const [f1, f2] = await digests(faulty, extra);
    const [h1] = await digests(healthy, extra);
    expect(f1, JSON.stringify(extra)).toBe(f2);
    expect(f1, JSON.stringify(extra)).not.toBe(h1);
  }
});

test('exif-applied: a JPEG tagged orientation 6 is rotated before the edit', async ({ startMiner }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'exif-applied');
  const rgb = await sampleRgb(96, 64);
  const tagged = await sharp(rgb.data, { raw: { width: 96, height: 64, channels: 3 } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const size = async (miner: MinerUnderTest) => {
    const { width, height } = await decodePixels((await edits(miner, [tagged]))[0]!);
    return `${width}×${height}`;
  };
  expect(await size(faulty)).toBe('64×96');
  expect(await size(healthy)).toBe('96×64');
});
