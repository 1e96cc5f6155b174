import {
  decodePixels,
  expect,
  inputImage,
  inputShapePairs,
  plannedEdits,
  readLater,
  sampleImage,
  test,
  type EditOutcome,
  type InputImage,
  type SharedEdit,
} from '../fixtures/index.ts';

// The miner prepares every input as PIL's convert("RGB") does, and shrinks the longer side to 1024 px;
// a validator's replay hashes the output, so an input prepared differently is a ban.

const SEED = 4_242;

test(
  'every input shape edits exactly like its plain RGB twin',
  // Five shapes and four distinct twins: the RGBA and the MIME-wrapped input share the plain scene.
  { tag: ['@input-shapes', '@slow'], annotation: plannedEdits(...Array<number>(9).fill(10)) },
  async ({ miner }) => {
    const pairs = await inputShapePairs();
    const twins = new Map<InputImage, Promise<EditOutcome>>();
    const editOf = (image: InputImage) => miner.edit({ seed: SEED, image_b64: image.b64 }, { label: image.label });
    const edits = pairs.map(({ input, twin }) => {
      if (!twins.has(twin)) twins.set(twin, editOf(twin));
      return readLater(Promise.all([editOf(input), twins.get(twin)!]));
    });
    for (const [i, { rule, input, twin }] of pairs.entries())
      await test.step(rule, async () => {
        const [edited, expected] = await edits[i]!;
        await expect.soft(edited, `${input.label} vs ${twin.label}`).toBeSameImageAs(expected);
      });
  },
);

const SIZES = [
  { label: 'large landscape 1100×700', width: 1100, height: 700, prepared: { width: 1024, height: 651 } },
  { label: 'large portrait 700×1100', width: 700, height: 1100, prepared: { width: 651, height: 1024 } },
  { label: 'small 64×48', width: 64, height: 48, prepared: { width: 64, height: 48 } },
];

/** The first edit of each size, shared by the determinism and the prepared-size rules. */
const sizeFields = (size: (typeof SIZES)[number]) => async () => ({
  seed: SEED,
  image_b64: inputImage(size.label, await sampleImage(size)).b64,
});
const SIZE_EDITS = SIZES.map((size): SharedEdit => ({
  name: `size-${size.width}x${size.height}`,
  label: `${size.label} run 1`,
  steps: 10,
  fields: sizeFields(size),
}));

test(
  'a large non-square and a small input each edit deterministically',
  { tag: ['@input-sizes', '@slow'], annotation: plannedEdits(10, 10, SIZE_EDITS[0]!, SIZE_EDITS[2]!) },
  async ({ miner }) => {
    // The portrait is the landscape turned: one large and one small input run twice cover the sizes' paths.
    const twice = SIZES.filter((size) => size.width !== 700);
    const runs = await Promise.all(
      twice.map(async (size) =>
        Promise.all([
          miner.sharedEdit(SIZE_EDITS[SIZES.indexOf(size)]!),
          miner.edit(await sizeFields(size)(), { label: `${size.label} run 2` }),
        ]),
      ),
    );
    for (const [i, [first, second]] of runs.entries()) await test.step(twice[i]!.label, () => expect.soft(second).toBeSameImageAs(first));
  },
);

test(
  'a CPU stand-in returns the input as prepared: the longer side shrunk to 1024 px, the other truncated',
  { tag: ['@prepared-size', '@slow'], annotation: plannedEdits(...SIZE_EDITS) },
  async ({ miner, target }) => {
    test.skip(
      !target.outputKeepsPreparedSize,
      'a real miner picks its own output size near the input aspect ratio (docs/protocol.md, "Which image is edited"), so only a CPU stand-in is held to the prepared size',
    );
    const outputs = await Promise.all(
      SIZES.map(async (size, i) => {
        const { png } = await miner.sharedEdit(SIZE_EDITS[i]!);
        const { width, height } = await decodePixels(png, size.label);
        return { width, height };
      }),
    );
    expect(outputs, 'output sizes of 1100×700, 700×1100 and 64×48 inputs').toEqual(SIZES.map((size) => size.prepared));
  },
);
