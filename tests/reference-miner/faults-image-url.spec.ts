import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { startScriptedServer, type ScriptedAnswer } from '../support/scripted-server.ts';
import { healthyAndFaulty } from './healthy-and-faulty.ts';
import { expect, test } from './miner-test.ts';

// The image_url faults: each is observable, and the healthy miner differs.

/** An image host serving `png` at /input.png, 404 elsewhere; `hold` delays every answer until it settles. */
async function imageHost(png: Buffer, hold?: Promise<unknown>) {
  return startScriptedServer(async ({ path }): Promise<ScriptedAnswer> => {
    await hold;
    return path === '/input.png' ? { status: 200, body: png, contentType: 'image/png' } : { status: 404 };
  });
}

test('url-loses-to-b64: with both sources image_b64 is edited and image_source says base64', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'url-loses-to-b64');
  const host = await imageHost(await sampleImage({ width: 96, height: 64, variant: 1 }));
  try {
    const body = { prompt: 'x', seed: 1, image_url: `${host.url}/input.png`, image_b64: imageB64 };
    const [fromFaulty, fromHealthy, b64Only] = await Promise.all([
      faulty.run(body),
      healthy.run(body),
      healthy.run({ prompt: 'x', seed: 1, image_b64: imageB64 }),
    ]);
    expect(fromFaulty.record.request.image_source).toBe('base64');
    expect(fromFaulty.png!.equals(b64Only.png!)).toBe(true);
    expect(fromHealthy.record.request.image_source).toBe('url');
  } finally {
    await host.close();
  }
});

test('url-no-fallback: a failed download fails the job although image_b64 was sent', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'url-no-fallback');
  const host = await imageHost(Buffer.from(imageB64, 'base64'));
  try {
    const body = { prompt: 'x', seed: 1, image_url: `${host.url}/missing.png`, image_b64: imageB64 };
    const [fromFaulty, fromHealthy] = await Promise.all([faulty.run(body), healthy.run(body)]);
    expect(fromFaulty.record).toMatchObject({ status: 'failed', error: expect.stringContaining('HTTP 404') });
    expect(fromHealthy.record).toMatchObject({ status: 'completed', request: { image_source: 'url_fallback_to_base64' } });
  } finally {
    await host.close();
  }
});

test('url-short-timeout: a host that answers after 2 s fails the download; the healthy miner waits for it', async ({
  startMiner,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'url-short-timeout');
  let release!: () => void;
  const host = await imageHost(Buffer.from(imageB64, 'base64'), new Promise<void>((resolve) => (release = resolve)));
  try {
    const body = { prompt: 'x', seed: 1, image_url: `${host.url}/input.png` };
    const [fromFaulty, fromHealthy] = [await faulty.edit(body), await healthy.edit(body)].map((a) => a.json.job_id as string);
    const started = performance.now();
    const failed = await faulty.waitForEnd(fromFaulty!);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/Failed to download/) });
    expect(performance.now() - started).toBeGreaterThan(1_500);
    expect((await healthy.record(fromHealthy!)).status, 'still waiting for the host').toBe('processing');
    release();
    expect(await healthy.waitForEnd(fromHealthy!)).toMatchObject({ status: 'completed', request: { image_source: 'url' } });
  } finally {
    release();
    await host.close();
  }
});

test('url-small-limit: a download over 1 MiB is refused and counts as failed', async ({ startMiner }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'url-small-limit');
  const noise = await sharp(randomBytes(700 * 700 * 3), { raw: { width: 700, height: 700, channels: 3 } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  expect(noise.length).toBeGreaterThan(1024 * 1024);
  const host = await imageHost(noise);
  try {
    const body = { prompt: 'x', seed: 1, image_url: `${host.url}/input.png` };
    const [fromFaulty, fromHealthy] = await Promise.all([faulty.run(body), healthy.run(body)]);
    expect(fromFaulty.record).toMatchObject({ status: 'failed', error: expect.stringMatching(/1 MiB/) });
    expect(fromHealthy.record.status).toBe('completed');
  } finally {
    await host.close();
  }
});
