import { expect, test } from '../fixtures/index.ts';

// Same input pixels, prompt, seed, guidance and steps must give the same PNG file, byte for byte:
// validators replay jobs and compare SHA-256 of the callback images with no tolerance.

const SEED = 1_234_567;
const PROMPTS = [
  'Make the sky a warm sunset orange',
  'Add falling snow',
  'Turn the whole scene into a soft pencil sketch with crisp outlines',
];
// B differs from A in steps only and C in guidance only, so an ignored parameter shows.
const PARAMETER_SETS = [
  { guidance_scale: 4.0, num_inference_steps: 10 },
  { guidance_scale: 4.0, num_inference_steps: 28 },
  { guidance_scale: 7.5, num_inference_steps: 10 },
];

test(
  'the same request twice gives byte-identical PNG files with identical pixels',
  { tag: '@same-request-same-bytes' },
  async ({ miner }) => {
    const request = { prompt: PROMPTS[0], seed: SEED };
    const [first, second] = await Promise.all([miner.edit(request, 'first run'), miner.edit(request, 'second run')]);
    await expect(second).toBeSameImageAs(first);
  },
);

test('another seed changes more than 1 % of the pixels', { tag: '@seed-changes-output' }, async ({ miner }) => {
  const [seedA, seedB] = await Promise.all([
    miner.edit({ prompt: PROMPTS[0], seed: SEED }, `seed ${SEED}`),
    miner.edit({ prompt: PROMPTS[0], seed: SEED + 1 }, `seed ${SEED + 1}`),
  ]);
  await expect(seedB).toDifferVisiblyFrom(seedA);
});

test(
  'each of three prompts edits deterministically, and each gives its own image',
  { tag: '@prompts-deterministic-and-distinct' },
  async ({ miner }) => {
    const runs = await Promise.all(
      PROMPTS.map((prompt, i) =>
        Promise.all([
          miner.edit({ prompt, seed: SEED }, `prompt ${i + 1} run 1`),
          miner.edit({ prompt, seed: SEED }, `prompt ${i + 1} run 2`),
        ]),
      ),
    );
    for (const [i, [first, second]] of runs.entries())
      await test.step(`prompt ${i + 1} "${PROMPTS[i]}" is deterministic`, () => expect.soft(second).toBeSameImageAs(first));

    await test.step('the prompts give different images', async () => {
      await expect.soft(runs[1]![0]).toDifferVisiblyFrom(runs[0]![0]);
      await expect.soft(runs[2]![0]).toDifferVisiblyFrom(runs[0]![0]);
    });
  },
);

test(
  'each of three guidance and steps sets edits deterministically, and each parameter matters',
  { tag: '@parameters-deterministic-and-matter' },
  async ({ miner }) => {
    const runs = await Promise.all(
      PARAMETER_SETS.map((parameters, i) => {
        const request = { prompt: PROMPTS[0], seed: SEED, ...parameters };
        return Promise.all([miner.edit(request, `set ${i + 1} run 1`), miner.edit(request, `set ${i + 1} run 2`)]);
      }),
    );
    for (const [i, [first, second]] of runs.entries()) {
      const { guidance_scale, num_inference_steps } = PARAMETER_SETS[i]!;

      await test.step(`guidance ${guidance_scale}, ${num_inference_steps} steps is deterministic`, () =>
        expect.soft(second).toBeSameImageAs(first));
    }

    await test.step('num_inference_steps changes the output', () => expect.soft(runs[1]![0]).toDifferVisiblyFrom(runs[0]![0]));

    await test.step('guidance_scale changes the output', () => expect.soft(runs[2]![0]).toDifferVisiblyFrom(runs[0]![0]));
  },
);
