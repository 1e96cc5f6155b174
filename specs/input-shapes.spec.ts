import { decodePixels, expect, inputImage, inputShapePairs, readLater, sampleImage, test } from '../fixtures/index.ts';

// The miner prepares every input as PIL's convert("RGB") does, and shrinks the longer side to 1024 px;
// a validator's replay hashes the output, so an input prepared differently is a ban.

const SEED = 4_242;

test('every input shape edits exactly like its plain RGB twin', { tag: ['@input-shapes', '@slow'] }, async ({ miner }) => {
  const pairs = await inputShapePairs();
  const edits = pairs.map(({ input, twin }) =>
    readLater(
      Promise.all([
        miner.edit({ seed: SEED, image_b64: input.b64 }, input.label),
        miner.edit({ seed: SEED, image_b64: twin.b64 }, twin.label),
      ]),
    ),
  );
  for (const [i, { rule, input, twin }] of pairs.entries())
    await test.step(rule, async () => {
      const [edited, expected] = await edits[i]!;
      await expect.soft(edited, `${input.label} vs ${twin.label}`).toBeSameImageAs(expected);
    });
});

const SIZES = [
  { label: 'large landscape 1100×700', width: 1100, height: 700, prepared: { width: 1024, height: 651 } },
  { label: 'large portrait 700×1100', width: 700, height: 1100, prepared: { width: 651, height: 1024 } },
  { label: 'small 64×48', width: 64, height: 48, prepared: { width: 64, height: 48 } },
];

test('large, non-square and small inputs each edit deterministically', { tag: ['@input-sizes', '@slow'] }, async ({ miner }) => {
  const runs = await Promise.all(
    SIZES.map(async (size) => {
      const input = inputImage(size.label, await sampleImage({ width: size.width, height: size.height }));
      return Promise.all([1, 2].map((run) => miner.edit({ seed: SEED, image_b64: input.b64 }, `${size.label} run ${run}`)));
    }),
  );
  for (const [i, [first, second]] of runs.entries()) await test.step(SIZES[i]!.label, () => expect.soft(second!).toBeSameImageAs(first!));
});

test(
  'a CPU stand-in returns the input as prepared: the longer side shrunk to 1024 px, the other truncated',
  { tag: '@prepared-size' },
  async ({ miner, suite }) => {
    test.skip(
      !suite.outputKeepsPreparedSize,
      'a real miner picks its own output size near the input aspect ratio (PROTOCOL.md), so only a CPU stand-in is held to the prepared size',
    );
    const outputs = await Promise.all(
      SIZES.map(async (size) => {
        const input = inputImage(size.label, await sampleImage({ width: size.width, height: size.height }));
        const { png } = await miner.edit({ seed: SEED, image_b64: input.b64 }, size.label);
        const { width, height } = await decodePixels(png, size.label);
        return { width, height };
      }),
    );
    expect(outputs, 'output sizes of 1100×700, 700×1100 and 64×48 inputs').toEqual(SIZES.map((size) => size.prepared));
  },
);
