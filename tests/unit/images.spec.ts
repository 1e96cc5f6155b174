import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { compareImageFiles, describeImageDifference } from '../../lib/images/compare-image-files.ts';
import { comparePixels } from '../../lib/images/compare-pixels.ts';
import { decodePixels, type DecodedImage } from '../../lib/images/decode-pixels.ts';
import { diffPicture } from '../../lib/images/diff-picture.ts';
import { fileDigest, isPng } from '../../lib/wire-body.ts';
import { pixelDigest, pngTextChunks } from '../../lib/images/png-file.ts';
import { loadImageFile } from '../../lib/images/load-image-file.ts';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { describeBytes } from '../../lib/wire-body.ts';

/** A copy of `png` with one extra chunk before IEND, as an encoder adding metadata would write it. */
function withChunk(png: Buffer, type: string, data: Buffer): Buffer {
  const iend = png.length - 12;
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([png.subarray(0, iend), head, data, crc, png.subarray(iend)]);
}

function tEXt(keyword: string, text: string): Buffer {
  return Buffer.from(`${keyword}\0${text}`, 'latin1');
}

function tIME(second: number): Buffer {
  return Buffer.from([0x07, 0xe9, 1, 31, 12, 0, second]);
}

function solid(width: number, height: number, rgb: [number, number, number]): DecodedImage {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width, height, channels: 3, data };
}

function pixelAt(image: DecodedImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return [...image.data.subarray(o, o + 3)];
}

test.describe('sample image', () => {
  test('is a 512×512 PNG with no metadata chunks, the same bytes on every call', async () => {
    const [first, second] = [await sampleImage(), await sampleImage()];
    expect(isPng(first)).toBe(true);
    expect(first.equals(second)).toBe(true);
    expect(pngTextChunks(first)).toEqual([]);
    const image = await decodePixels(first);
    expect([image.width, image.height]).toEqual([512, 512]);
  });

  test('has the same bytes in another process', async () => {
    const script = `import { sampleImage } from './lib/images/sample-image.ts';
      import { fileDigest } from './lib/wire-body.ts';
      console.log(fileDigest(await sampleImage()));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
    });
    expect(stdout.trim()).toBe(fileDigest(await sampleImage()));
  });

  test('is a scene a miner can edit: neither dark nor flat, with many colours', async () => {
    const image = await decodePixels(await sampleImage());
    const pixels = image.width * image.height;
    let dark = 0;
    let sum = 0;
    let sumOfSquares = 0;
    const colours = new Set<number>();
    for (let i = 0; i < image.data.length; i += 3) {
      const [r, g, b] = [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
      if (r < 10 && g < 10 && b < 10) dark++;
      const grey = (r + g + b) / 3;
      sum += grey;
      sumOfSquares += grey * grey;
      colours.add((r << 16) | (g << 8) | b);
    }
    const variance = sumOfSquares / pixels - (sum / pixels) ** 2;
    expect(dark / pixels, 'share of nearly black pixels').toBeLessThan(0.05);
    expect(variance, 'pixel variance (the upstream check flags < 100)').toBeGreaterThan(100);
    expect(colours.size, 'distinct colours').toBeGreaterThan(500);
  });

  test('takes a size and a variant; a variant is visibly another picture', async () => {
    const wide = await decodePixels(await sampleImage({ width: 640, height: 360 }));
    expect([wide.width, wide.height]).toEqual([640, 360]);
    const [base, other] = [await decodePixels(await sampleImage()), await decodePixels(await sampleImage({ variant: 1 }))];
    expect(comparePixels(base, other).ratio).toBeGreaterThan(0.1);
    expect(() => sampleImage({ width: 0 })).toThrow('width must be a positive integer');
  });

  test('cannot be changed through a returned buffer', async () => {
    const first = await sampleImage();
    first.fill(0);
    expect(isPng(await sampleImage())).toBe(true);
  });
});

test.describe('decodePixels', () => {
  test('gives RGB for RGBA, grey, palette and JPEG inputs', async () => {
    const create = { width: 3, height: 2, channels: 4 as const, background: { r: 200, g: 100, b: 50, alpha: 0.5 } };
    const rgba = await sharp({ create }).png().toBuffer();
    const grey = await sharp({ create }).removeAlpha().toColourspace('b-w').png().toBuffer();
    const palette = await sharp({ create }).removeAlpha().png({ palette: true }).toBuffer();
    const jpeg = await sharp({ create }).removeAlpha().jpeg({ quality: 100 }).toBuffer();
    for (const [name, bytes] of [
      ['rgba', rgba],
      ['grey', grey],
      ['palette', palette],
      ['jpeg', jpeg],
    ] as const) {
      const image = await decodePixels(bytes);
      expect({ name, width: image.width, height: image.height, channels: image.channels, length: image.data.length }).toEqual({
        name,
        width: 3,
        height: 2,
        channels: 3,
        length: 18,
      });
    }
    expect(pixelAt(await decodePixels(rgba), 0, 0), 'alpha dropped, colour kept as PIL convert("RGB") does').toEqual([200, 100, 50]);
    const [g] = pixelAt(await decodePixels(grey), 0, 0);
    expect(pixelAt(await decodePixels(grey), 0, 0)).toEqual([g, g, g]);
  });

  test('names a JSON error body in one sentence instead of decoding it', async () => {
    const body = Buffer.from('{"detail":"Job edit-1 not found"}');
    const error = await decodePixels(body, 'the result of job edit-1').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'Expected the result of job edit-1 to be a PNG or JPEG image, but got 33 bytes of text beginning `{"detail":"Job edit-1 not found"}`: check that these bytes are the image itself and not an error answer or a base64 text.',
    );
  });

  test('names binary garbage by its first bytes, and a truncated PNG as truncated', async () => {
    await expect(decodePixels(Buffer.from([0, 1, 2, 0xff, 0x41]))).rejects.toThrow('but got 5 bytes beginning 00 01 02 ff 41 ("....A")');
    await expect(decodePixels(Buffer.alloc(0))).rejects.toThrow('but got an empty buffer (0 bytes)');
    const png = await sampleImage();
    await expect(decodePixels(png.subarray(0, png.length >> 1))).rejects.toThrow(
      /start like one and do not decode \(.+\): the file is truncated or corrupt/,
    );
  });

  test('describeBytes shows long text with an ellipsis', () => {
    expect(describeBytes(Buffer.from('x'.repeat(100)))).toBe(`100 bytes of text beginning \`${'x'.repeat(80)}\`…`);
  });
});

test.describe('digests and comparisons', () => {
  test('pixelDigest ignores the encoding, fileDigest does not', async () => {
    const png = await sampleImage({ width: 64, height: 64 });
    const reencoded = await sharp(png).png({ compressionLevel: 1 }).toBuffer();
    expect(fileDigest(reencoded)).not.toBe(fileDigest(png));
    expect(pixelDigest(await decodePixels(reencoded))).toBe(pixelDigest(await decodePixels(png)));
    expect(fileDigest(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('pixelDigest tells apart the same bytes laid out in another size', () => {
    const a = solid(4, 2, [1, 2, 3]);
    expect(pixelDigest(a)).not.toBe(pixelDigest({ ...a, width: 2, height: 4 }));
  });

  test('comparePixels counts differing pixels and the largest channel delta', () => {
    const a = solid(10, 10, [100, 100, 100]);
    const b = solid(10, 10, [100, 100, 100]);
    expect(comparePixels(a, b)).toMatchObject({ sameSize: true, differingPixels: 0, totalPixels: 100, ratio: 0, maxChannelDelta: 0 });
    b.data[0] = 90;
    b.data[3 * 55 + 2] = 140;
    expect(comparePixels(a, b)).toMatchObject({ sameSize: true, differingPixels: 2, totalPixels: 100, ratio: 0.02, maxChannelDelta: 40 });
  });

  test('comparePixels treats another size as entirely different', () => {
    expect(comparePixels(solid(4, 4, [0, 0, 0]), solid(8, 2, [0, 0, 0]))).toEqual({
      sameSize: false,
      differingPixels: 16,
      totalPixels: 16,
      ratio: 1,
      maxChannelDelta: 255,
      sizes: [
        { width: 4, height: 4 },
        { width: 8, height: 2 },
      ],
    });
  });

  test('diffPicture dims what agrees and paints what differs magenta', async () => {
    const a = solid(6, 4, [200, 200, 200]);
    const b = solid(6, 4, [200, 200, 200]);
    b.data.set([0, 0, 0], (2 * 6 + 3) * 3);
    const picture = await decodePixels(await diffPicture(a, b));
    expect([picture.width, picture.height]).toEqual([6, 4]);
    expect(pixelAt(picture, 3, 2)).toEqual([255, 0, 255]);
    const [grey] = pixelAt(picture, 0, 0);
    expect(pixelAt(picture, 0, 0)).toEqual([grey, grey, grey]);
    expect(grey).toBeLessThan(120);
  });

  test('diffPicture rings a few scattered differing pixels so they show at a glance', async () => {
    const a = solid(40, 40, [200, 200, 200]);
    const b = solid(40, 40, [200, 200, 200]);
    b.data.set([201, 200, 200], (20 * 40 + 20) * 3);
    const picture = await decodePixels(await diffPicture(a, b));
    expect(pixelAt(picture, 20, 20)).toEqual([255, 0, 255]);
    expect(pixelAt(picture, 22, 18), 'near the differing pixel').toEqual([255, 140, 255]);
    const [grey] = pixelAt(picture, 0, 0);
    expect(pixelAt(picture, 0, 0), 'far from it').toEqual([grey, grey, grey]);
  });

  test('diffPicture covers both sizes and marks pixels only one image has', async () => {
    const picture = await decodePixels(await diffPicture(solid(4, 4, [9, 9, 9]), solid(6, 2, [9, 9, 9])));
    expect([picture.width, picture.height]).toEqual([6, 4]);
    expect(pixelAt(picture, 5, 0), 'only in the second').toEqual([255, 0, 255]);
    expect(pixelAt(picture, 0, 3), 'only in the first').toEqual([255, 0, 255]);
    expect(pixelAt(picture, 0, 0), 'in both and equal').not.toEqual([255, 0, 255]);
  });
});

test.describe('PNG chunks and the difference sentence', () => {
  test('isPng checks the signature; pngTextChunks lists metadata with keywords', async () => {
    const png = await sampleImage({ width: 16, height: 16 });
    expect(isPng(png)).toBe(true);
    expect(isPng(Buffer.from('\x89PNG'))).toBe(false);
    expect(isPng(await sharp(png).jpeg().toBuffer())).toBe(false);
    const tagged = withChunk(withChunk(png, 'tIME', tIME(1)), 'tEXt', tEXt('Comment', 'made at 12:00'));
    expect(pngTextChunks(tagged)).toEqual(['tIME', 'tEXt:Comment']);
    expect(pngTextChunks(Buffer.from('not a png'))).toEqual([]);
    await expect(decodePixels(tagged), 'the hand-made chunks are valid PNG').resolves.toBeTruthy();
  });

  test('identical files', async () => {
    const png = await sampleImage({ width: 32, height: 32 });
    const comparison = await compareImageFiles(png, Buffer.from(png));
    expect(comparison.verdict).toBe('identical');
    expect(comparison.sentence).toBe('file bytes and pixels identical');
  });

  test('same pixels with a timestamp chunk: names the chunk and the ban', async () => {
    const png = await sampleImage({ width: 32, height: 32 });
    const first = withChunk(png, 'tEXt', tEXt('Software', 'kontext'));
    const second = withChunk(withChunk(png, 'tIME', tIME(2)), 'tEXt', tEXt('Software', 'kontext'));
    const comparison = await compareImageFiles(first, second);
    expect(comparison.verdict).toBe('encoding');
    expect(comparison.sentence).toBe(
      `pixels identical but PNG file bytes differ (SHA-256 ${fileDigest(first).slice(0, 12)}… vs ${fileDigest(second).slice(0, 12)}…): ` +
        'an encoder or metadata difference (chunks: tIME only in the second); validators compare file hashes, so this miner would be banned',
    );
    const third = withChunk(withChunk(png, 'tIME', tIME(3)), 'tEXt', tEXt('Software', 'other'));
    expect(await describeImageDifference(second, third)).toContain('(chunks: tIME differs, tEXt:Software differs)');
  });

  test('same pixels, same metadata, other compression: says the encoder differs', async () => {
    const png = await sampleImage({ width: 32, height: 32 });
    const sentence = await describeImageDifference(png, await sharp(png).png({ compressionLevel: 0 }).toBuffer());
    expect(sentence).toMatch(/^pixels identical but PNG file bytes differ .*: an encoder difference \(the metadata chunks agree/);
    const grey = sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 128, g: 128, b: 128 } } });
    const [greyPng, greyJpeg] = [await grey.clone().png().toBuffer(), await grey.clone().jpeg({ quality: 100 }).toBuffer()];
    expect(await describeImageDifference(greyPng, greyJpeg)).toMatch(
      /^pixels identical but image file bytes differ .*: one file is PNG and the other JPEG, an encoder difference; validators/,
    );
  });

  test('differing pixels: count, share and largest delta; sizes', async () => {
    const a = solid(10, 10, [50, 50, 50]);
    const b = solid(10, 10, [50, 50, 50]);
    b.data[30] = 80;
    const toPng = (image: DecodedImage) =>
      sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
        .png()
        .toBuffer();
    expect(await describeImageDifference(await toPng(a), await toPng(b))).toBe('1 of 100 pixels (1 %) differ, largest channel delta 30');
    const large = await sampleImage({ width: 1000, height: 100 });
    const small = await sampleImage({ width: 100, height: 100 });
    expect(await describeImageDifference(large, small)).toBe('sizes differ: 1000×100 vs 100×100');
  });
});

test.describe('loadImageFile', () => {
  let folder: string;

  test.beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'images-spec-'));
  });

  test.afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  test('returns the bytes of a PNG or JPEG file unchanged', async () => {
    const png = await sampleImage({ width: 24, height: 24 });
    const jpeg = await sharp(png).jpeg().toBuffer();
    await writeFile(join(folder, 'in.png'), png);
    await writeFile(join(folder, 'in.jpg'), jpeg);
    expect((await loadImageFile(join(folder, 'in.png'))).equals(png)).toBe(true);
    expect((await loadImageFile(join(folder, 'in.jpg'))).equals(jpeg)).toBe(true);
  });

  test('a missing file or a folder is named with the setting to fix', async () => {
    const missing = join(folder, 'nope.png');
    await expect(loadImageFile(missing, { setting: 'ASYNC_SAMPLE_IMAGE' })).rejects.toThrow(
      `The image file ${missing} named by ASYNC_SAMPLE_IMAGE does not exist: set ASYNC_SAMPLE_IMAGE to the path of a readable PNG or JPEG file.`,
    );
    await expect(loadImageFile(folder)).rejects.toThrow(
      `The image file ${folder} is a folder: give the path of a readable PNG or JPEG file.`,
    );
  });

  test('a file that is not an image says what it holds', async () => {
    const path = join(folder, 'notes.png');
    await writeFile(path, 'hello, not a picture');
    await expect(loadImageFile(path, { setting: 'ASYNC_SAMPLE_IMAGE' })).rejects.toThrow(
      `Expected the image file ${path} named by ASYNC_SAMPLE_IMAGE to be a PNG or JPEG image, but got 20 bytes of text beginning \`hello, not a picture\`: check that these bytes are the image itself and not an error answer or a base64 text; set ASYNC_SAMPLE_IMAGE to a PNG or JPEG file.`,
    );
  });
});
