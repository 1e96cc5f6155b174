import { comparePixels } from '../../lib/images/compare-pixels.ts';
import { decodePixels } from '../../lib/images/decode-pixels.ts';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { FAULTS } from '../../reference-miner/faults.ts';
import { expect, test } from './miner-test.ts';

// The fault matrix (tests/fault-matrix) shows the suite catching each fault; here the miner shows the
// faults no spec checks yet, and that the switch itself works.

test('every fault is documented in one line', () => {
  for (const [name, description] of Object.entries(FAULTS)) {
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(description).toMatch(/^[A-Za-z].*\.$/);
    expect(description).not.toContain('\n');
  }
});

test('/health lists the active faults', async ({ startMiner }) => {
  const miner = await startMiner({ faults: ['seed-ignored', 'result-missing'] });
  expect((await miner.get('/health')).json.config.faults).toEqual(['seed-ignored', 'result-missing']);
});

test('duplicate-job-id-accepted: a live duplicate job_id is accepted instead of 409', async ({ startMiner, imageB64 }) => {
  const body = { prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'dup' };
  const healthy = await startMiner({ editLatencyMs: 300 });
  const faulty = await startMiner({ editLatencyMs: 300, faults: ['duplicate-job-id-accepted'] });
  for (const miner of [healthy, faulty]) expect((await miner.edit(body)).status).toBe(200);
  expect((await healthy.edit(body)).status).toBe(409);
  expect((await faulty.edit(body)).status).toBe(200);
});

test('shared-buffer-race: overlapping jobs corrupt each other; alone, each is right', async ({ startMiner }) => {
  const inputs = [await sampleImage({ width: 128, height: 128 }), await sampleImage({ width: 128, height: 128, variant: 1 })];
  const bodies = inputs.map((png, i) => ({ prompt: 'x', seed: i, image_b64: png.toString('base64') }));
  const healthy = await startMiner({ inferenceWorkers: 2 });
  const faulty = await startMiner({ inferenceWorkers: 2, faults: ['shared-buffer-race'] });
  const expected = await Promise.all(bodies.map((b) => healthy.run(b)));
  const raced = await Promise.all(bodies.map((b) => faulty.run(b)));
  const differing = await Promise.all(
    raced.map(async (r, i) => comparePixels(await decodePixels(r.png!), await decodePixels(expected[i]!.png!)).differingPixels),
  );
  expect(
    differing.some((count) => count > 0),
    "an overlapping job shows the other job's pixels",
  ).toBe(true);
  const alone = await faulty.run(bodies[0]!);
  expect(alone.png!.equals(expected[0]!.png!)).toBe(true);
});
