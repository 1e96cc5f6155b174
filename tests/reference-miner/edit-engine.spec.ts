import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { comparePixels } from '../../lib/images/compare-pixels.ts';
import { decodePixels } from '../../lib/images/decode-pixels.ts';
import { editPixels, encodePng, type EditParameters } from '../../reference-miner/edit-engine.ts';
import { BASE_PARAMETERS, editDigest, sampleRgb } from '../support/edit-digest.ts';
import { expect, test } from '../support/reference-miner-fixtures.ts';

async function changedShare(a: EditParameters, b: EditParameters, variant = 0): Promise<number> {
  const input = await sampleRgb();
  const other = variant ? await sampleRgb(256, 256, variant) : input;
  const [pa, pb] = [await encodePng(editPixels(input, a)), await encodePng(editPixels(other, b))];
  return comparePixels(await decodePixels(pa), await decodePixels(pb)).ratio;
}

test('the same inputs give the same PNG bytes in this process and in another one', async () => {
  const digest = await editDigest();
  expect(await editDigest()).toBe(digest);
  const script = fileURLToPath(new URL('../support/edit-digest.ts', import.meta.url));
  const other = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' }).trim();
  expect(other).toBe(digest);
});

test('another seed changes nearly every pixel', async () => {
  expect(await changedShare(BASE_PARAMETERS, { ...BASE_PARAMETERS, seed: 43 })).toBeGreaterThan(0.5);
});

for (const [input, change] of [
  ['prompt', { prompt: 'Add falling snow' }],
  ['guidance_scale', { guidanceScale: 7.5 }],
  ['num_inference_steps', { numInferenceSteps: 10 }],
] as const) {
  test(`${input} changes the output visibly`, async () => {
    expect(await changedShare(BASE_PARAMETERS, { ...BASE_PARAMETERS, ...change })).toBeGreaterThan(0.05);
  });
}

test('other input pixels change the output visibly', async () => {
  expect(await changedShare(BASE_PARAMETERS, BASE_PARAMETERS, 1)).toBeGreaterThan(0.05);
});

test('the edit keeps the input recognisable', async () => {
  const input = await sampleRgb();
  const edited = editPixels(input, BASE_PARAMETERS);
  let totalDelta = 0;
  for (let i = 0; i < input.data.length; i++) totalDelta += Math.abs(input.data[i]! - edited.data[i]!);
  expect(totalDelta / input.data.length, 'mean channel change').toBeLessThan(60);
});

// CPU time of this process, not wall time: other processes on a busy machine take turns on the cores, not
// CPU from this one, so the bound holds beside them (wall time was 650 ms with both cores kept busy).
test('a 1024×1024 edit and its PNG take well under a second of CPU', async () => {
  const input = await sampleRgb(1024, 1024);
  const timings: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = process.cpuUsage();
    await encodePng(editPixels(input, { ...BASE_PARAMETERS, seed: run }));
    const used = process.cpuUsage(started);
    timings.push((used.user + used.system) / 1000);
  }
  const median = timings.sort((a, b) => a - b)[2]!;
  test.info().annotations.push({ type: 'edit CPU time 1024×1024 (median of 5)', description: `${median.toFixed(1)} ms` });
  expect(median).toBeLessThan(500); // ~80 ms here; the bound only catches a gross slowdown
});
