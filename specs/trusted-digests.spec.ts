import { existsSync } from 'node:fs';
import {
  expect,
  fileDigest,
  inputImage,
  inputShapePairs,
  LONG_PROMPT,
  plannedEdits,
  runSettings,
  sampleImage,
  SPACED_PROMPT,
  test,
  type MinerSession,
  type MinerContext,
} from '../fixtures/index.ts';

// The validator's replay at home: validator-shaped requests whose PNG SHA-256 digests were recorded on a
// miner you trust (same GPU model, same driver) must come out the same here, byte for byte.
// Record:  ASYNC_TRUSTED_DIGESTS=<name> npx playwright test --grep @trusted-digests --update-snapshots
// Certify: ASYNC_TRUSTED_DIGESTS=<name> npx playwright test

const PROMPT = 'Make the sky a warm sunset orange';

// Decided when the run is planned, so a run that does not ask for a digest set is not priced for one.
test.skip(
  !runSettings().ASYNC_TRUSTED_DIGESTS,
  'no ASYNC_TRUSTED_DIGESTS: name a set recorded on a miner you trust to compare digests with it',
);

test(
  'validator-shaped requests give the PNG digests recorded on a trusted miner',
  { tag: ['@trusted-digests', '@slow'], annotation: plannedEdits(...Array<number>(7).fill(10)) },
  async ({ miner, sample, settings, target }) => {
    const name = settings.ASYNC_TRUSTED_DIGESTS!;
    const setFile = test.info().snapshotPath(`${name}.json`);
    const recording = ['all', 'changed'].includes(test.info().config.updateSnapshots);
    if (!recording && !existsSync(setFile))
      throw new Error(
        `ASYNC_TRUSTED_DIGESTS=${name} names no recorded set (expected ${setFile}): record it on a miner you trust with "ASYNC_TRUSTED_DIGESTS=${name} npx playwright test --grep @trusted-digests --update-snapshots", or name an existing set.`,
      );

    const pairs = await inputShapePairs();
    // Two of the requests carry prompts as validators send them, so a miner that trims or cuts prompts shows here.
    const promptNames = new Map([
      [SPACED_PROMPT, `prompt ${JSON.stringify(SPACED_PROMPT)}`],
      [LONG_PROMPT, `a ${LONG_PROMPT.length}-character prompt`],
    ]);
    const inputs = [
      { label: 'sample scene', input: sample, seeds: [0, 2 ** 31, 2 ** 32 - 1], prompts: [PROMPT, SPACED_PROMPT, PROMPT] },
      {
        label: 'large landscape 1100×700',
        input: inputImage('large landscape', await sampleImage({ width: 1100, height: 700 })),
        seeds: [7],
        prompts: [LONG_PROMPT],
      },
      ...pairs.slice(0, 3).map((pair) => ({ label: pair.input.label, input: pair.input, seeds: [7], prompts: [PROMPT] })),
    ];
    const requests = inputs.flatMap(({ label, input, seeds, prompts }) =>
      seeds.map((seed, i) => {
        const prompt = prompts[i]!;
        const named = promptNames.get(prompt);
        return { name: `${label}, seed ${seed}${named ? `, ${named}` : ''}`, input, seed, prompt };
      }),
    );
    const outcomes = await Promise.all(
      requests.map(({ name: requestName, input, seed, prompt }) =>
        miner.edit({ prompt, seed, image_b64: input.b64, guidance_scale: 4.0, num_inference_steps: 10 }, { label: requestName }),
      ),
    );
    // One line per request, so a mismatch shows the request with both digests.
    const digests = Object.fromEntries(outcomes.map((outcome, i) => [requests[i]!.name, fileDigest(outcome.png)]));
    // Global setup's audit broadcast rehearsal, sent with a fixed prompt and seed when a set is named, joins the set.
    Object.assign(digests, await rehearsalDigest(miner, target));
    expect(`${JSON.stringify(digests, null, 2)}\n`, `PNG SHA-256 digests against the trusted set "${name}"`).toMatchSnapshot(
      `${name}.json`,
    );
  },
);

/** The audit broadcast rehearsal's line of the set, when global setup sent one that the miner accepted. */
async function rehearsalDigest(miner: MinerSession, target: MinerContext): Promise<Record<string, string>> {
  const broadcast = target.orchestratorJobs?.find((job) => job.name === 'audit broadcast' && !job.refusal);
  if (!broadcast) return {};
  const record = await miner.waitForEnd(broadcast.jobId);
  if (record.status !== 'completed')
    throw new Error(
      `The audit broadcast rehearsal ${broadcast.jobId} ended ${record.status} (${record.error || 'no error given'}), so its digest cannot join the set: the window rule names why.`,
    );
  const { seed, prompt } = broadcast.body;
  return { [`audit broadcast rehearsal, seed ${String(seed)}, prompt ${String(prompt)}`]: fileDigest(await miner.result(broadcast.jobId)) };
}
