import sharp from 'sharp';
import { decodePixels } from '../../lib/images/decode-pixels.ts';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { startScriptedServer } from '../support/scripted-server.ts';
import { expect, test } from '../support/reference-miner-fixtures.ts';

/** Serves one image at /input.png (and 404 elsewhere), for image_url jobs. */
const serveImage = (png: Buffer) =>
  startScriptedServer(({ path }) => (path === '/input.png' ? { status: 200, body: png, contentType: 'image/png' } : { status: 404 }));

test('a found reference is edited and reported as reference_edit, image_b64 ignored', async ({ miner, imageB64 }) => {
  const base = await miner.run({ prompt: 'base', seed: 1, image_b64: imageB64 });
  const decoy = (await sampleImage({ width: 96, height: 64, variant: 1 })).toString('base64');
  const [chained, direct] = await Promise.all([
    miner.run({ prompt: 'next', seed: 2, reference_job_id: base.record.id, image_b64: decoy }),
    miner.run({ prompt: 'next', seed: 2, image_b64: base.png!.toString('base64') }),
  ]);
  expect(chained.record.request).toMatchObject({ image_source: 'reference_edit', reference_job_id: base.record.id });
  expect(chained.png!.equals(direct.png!)).toBe(true);
});

test('a missing reference with image_b64 falls back and says base64_fallback', async ({ miner, imageB64 }) => {
  const [fallback, direct] = await Promise.all([
    miner.run({ prompt: 'x', seed: 3, reference_job_id: 'edit-missing', image_b64: imageB64 }),
    miner.run({ prompt: 'x', seed: 3, image_b64: imageB64 }),
  ]);
  expect(fallback.record.request.image_source).toBe('base64_fallback');
  expect(direct.record.request.image_source).toBe('base64');
  expect(fallback.png!.equals(direct.png!)).toBe(true);
});

test('image_url is downloaded in the worker; a failed download falls back to image_b64 or fails the job', async ({ miner, imageB64 }) => {
  const host = await serveImage(Buffer.from(imageB64, 'base64'));
  try {
    const [fromUrl, fallback, failed] = await Promise.all([
      miner.run({ prompt: 'x', seed: 4, image_url: `${host.url}/input.png` }),
      miner.run({ prompt: 'x', seed: 4, image_url: `${host.url}/missing.png`, image_b64: imageB64 }),
      miner.run({ prompt: 'x', seed: 4, image_url: `${host.url}/missing.png` }),
    ]);
    expect(fromUrl.record.request.image_source).toBe('url');
    expect(fallback.record.request.image_source).toBe('url_fallback_to_base64');
    expect(fromUrl.png!.equals(fallback.png!)).toBe(true);
    expect(failed.record).toMatchObject({ status: 'failed', error: expect.stringContaining('missing.png') });
  } finally {
    await host.close();
  }
});

test('JPEG and WebP inputs are made RGB; inputs over 1024 px shrink to 1024 on the longer side', async ({ miner }) => {
  const scene = await sampleImage({ width: 2048, height: 1024 });
  for (const bytes of [await sharp(scene).jpeg().toBuffer(), await sharp(scene).webp().toBuffer()]) {
    const { record, png } = await miner.run({ prompt: 'x', seed: 5, image_b64: bytes.toString('base64') });
    expect(record.status).toBe('completed');
    const output = await decodePixels(png!);
    expect([output.width, output.height]).toEqual([1024, 512]);
  }
});
