import { expect, test, type EditOutcome } from '../fixtures/index.ts';

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

test(
  'omitting guidance_scale and num_inference_steps gives exactly the output of sending 2.5 and 28',
  { tag: '@defaults-explicit' },
  async ({ miner }) => {
    const [omitted, explicit] = await Promise.all([
      miner.edit({ prompt: PROMPTS[0], seed: SEED }, 'defaults omitted'),
      miner.edit({ prompt: PROMPTS[0], seed: SEED, guidance_scale: 2.5, num_inference_steps: 28 }, 'defaults sent as 2.5 and 28'),
    ]);
    await expect(explicit).toBeSameImageAs(omitted);
  },
);

// Validators draw seeds uniformly from [0, 2^32): the ends and the int32 boundary are seeds like any other.
const SEED_EDGES = [
  { seed: 0, neighbour: 1 },
  { seed: 2 ** 31, neighbour: 2 ** 31 + 1 },
  { seed: 2 ** 32 - 1, neighbour: 2 ** 32 - 2 },
];

test(
  'seeds 0, 2^31 and 2^32-1 are each accepted, deterministic, and differ from a neighbouring seed',
  { tag: ['@seed-range', '@slow'] },
  async ({ miner }) => {
    const runs = await Promise.all(
      SEED_EDGES.map(({ seed, neighbour }) =>
        Promise.all([
          miner.edit({ prompt: PROMPTS[0], seed }, `seed ${seed} run 1`),
          miner.edit({ prompt: PROMPTS[0], seed }, `seed ${seed} run 2`),
          miner.edit({ prompt: PROMPTS[0], seed: neighbour }, `seed ${neighbour}`),
        ]),
      ),
    );
    for (const [first, second, neighbour] of runs)
      await test.step(`seed ${first.request.seed}`, async () => {
        await expect.soft(second).toBeSameImageAs(first);
        await expect.soft(neighbour).toDifferVisiblyFrom(first);
      });
  },
);

test(
  'jobs submitted together, more than the miner has workers, each give the bytes of the same request run alone',
  { tag: ['@determinism-under-load', '@slow'] },
  async ({ miner, sample, decoy }) => {
    const requests = [
      { prompt: PROMPTS[0], seed: 101, image_b64: sample.b64 },
      { prompt: PROMPTS[1], seed: 202, image_b64: decoy.b64 },
      { prompt: PROMPTS[2], seed: 303, image_b64: sample.b64 },
      { prompt: PROMPTS[1], seed: 404, image_b64: decoy.b64 },
    ];
    const alone: EditOutcome[] = [];
    for (const [i, request] of requests.entries()) alone.push(await miner.edit(request, `request ${i + 1} alone`));
    const together = await Promise.all(requests.map((request, i) => miner.edit(request, `request ${i + 1} under load`)));
    for (const [i, loaded] of together.entries()) await test.step(`request ${i + 1}`, () => expect.soft(loaded).toBeSameImageAs(alone[i]!));
  },
);

test(
  'an edit that keeps the scene gives a sane picture: not mostly black, not flat, not partially rendered, the input still there',
  { tag: '@sane-picture' },
  async ({ miner, sample }) => {
    const outcome = await miner.edit({ prompt: PROMPTS[0], seed: SEED }, 'sunset edit');
    await expect(outcome).toBeSanePictureOf(sample);
  },
);
