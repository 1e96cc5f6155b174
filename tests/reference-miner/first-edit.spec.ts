import { comparePixels } from '../../lib/images/compare-pixels.ts';
import { decodePixels } from '../../lib/images/decode-pixels.ts';
import { expect, test } from '../support/reference-miner-fixtures.ts';

// Validators replay a miner's jobs on the trusted miner, so the first edit after a start must give the bytes of every later one.

test('first-edit-differs: only the first edit after a start differs, by a few channel values off by one; its replay gives the normal bytes', async ({
  startMiner,
  imageB64,
}) => {
  const request = { prompt: 'x', seed: 7, image_b64: imageB64 };
  const faulty = await startMiner({ faults: ['first-edit-differs'] });
  const first = (await faulty.run(request)).png!;
  const replay = (await faulty.run(request)).png!;
  const healthy = (await (await startMiner()).run(request)).png!;
  expect(replay.equals(healthy), 'the replay gives the normal bytes').toBe(true);
  expect(first.equals(healthy), 'the first edit gives other bytes').toBe(false);
  const comparison = comparePixels(await decodePixels(first), await decodePixels(healthy));
  expect(comparison).toMatchObject({ sameSize: true, maxChannelDelta: 1 });
  expect(comparison.ratio, 'visibly the same picture').toBeLessThan(0.01);
});
