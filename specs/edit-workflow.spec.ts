import { randomUUID } from 'node:crypto';
import { BASE_EDIT, expect, plannedEdits, test, type MinerSession, type SharedEdit } from '../fixtures/index.ts';

// Seed protocol: reference_job_id names an earlier job whose output is the input; image_b64 is then
// ignored, or used as the fallback when the reference does not exist; a finished job_id may be reused.

// The later protocol dropped reference_job_id (it ignores the field), so these checks would mislead there.
test.beforeEach(({ revision }) => test.skip(!revision.referenceJobId, 'seed protocol only: this miner does not declare reference_job_id'));

const CHAIN = [
  { prompt: 'Make the sky a warm sunset orange', seed: 11 },
  { prompt: 'Add falling snow', seed: 12 },
  { prompt: 'Turn the scene into a pencil sketch', seed: 13 },
];

/** Chain step 1 made directly from the base edit's PNG: the twin of every edit that references a job whose output is the base edit's. */
const firstStepFromBase = (miner: MinerSession): SharedEdit => ({
  name: 'base-then-step-1',
  label: 'edit 1 made directly from base edit',
  steps: 10,
  fields: async () => ({ ...CHAIN[0], image_b64: (await miner.sharedEdit(BASE_EDIT)).png.toString('base64') }),
});

test(
  'chained edits base → 1 → 2 → 3 each edit the previous output, as the pixels prove',
  {
    tag: ['@reference-chain', '@slow'],
    annotation: plannedEdits(...CHAIN.flatMap(() => [10]), 10, 10, BASE_EDIT, { name: 'base-then-step-1', steps: 10 }),
  },
  async ({ miner, decoy }) => {
    let previous = await miner.sharedEdit(BASE_EDIT);
    for (const [i, step] of CHAIN.entries()) {
      await test.step(`edit ${i + 1} references ${previous.label}`, async () => {
        // The decoy in image_b64 must be ignored; the direct edit of the previous PNG shows what "used" looks like.
        const [chained, direct] = await Promise.all([
          miner.edit({ ...step, reference_job_id: previous.jobId, image_b64: decoy.b64 }, { label: `edit ${i + 1}` }),
          i === 0
            ? miner.sharedEdit(firstStepFromBase(miner))
            : miner.edit(
                { ...step, image_b64: previous.png.toString('base64') },
                { label: `edit ${i + 1} made directly from ${previous.label}` },
              ),
        ]);
        expect(chained.record.request, 'the chained job reports its reference').toMatchObject({
          reference_job_id: previous.jobId,
          image_source: 'reference_edit',
        });
        await expect(chained).toHaveSamePixelsAs(direct);
        await expect(chained).toDifferVisiblyFrom(previous);
        previous = chained;
      });
    }
  },
);

test(
  'a reference that does not exist falls back to image_b64',
  { tag: '@reference-fallback', annotation: plannedEdits(10, BASE_EDIT) },
  async ({ miner }) => {
    const [fallback, direct] = await Promise.all([
      miner.edit({ ...BASE_EDIT.fields, reference_job_id: `missing-${randomUUID()}` }, { label: 'fallback to image_b64' }),
      miner.sharedEdit(BASE_EDIT),
    ]);
    expect(fallback.record.request.image_source, 'image_source of a job whose reference is missing').toBe('base64_fallback');
    await expect(fallback).toHaveSamePixelsAs(direct);
  },
);

test(
  'a finished job_id submitted again replaces its record, and a later reference_job_id to it edits the new output',
  { tag: ['@reused-id', '@slow'], annotation: plannedEdits(10, 10, 10, BASE_EDIT, { name: 'base-then-step-1', steps: 10 }) },
  async ({ miner, decoy }) => {
    const reusedId = miner.requestBody().job_id;
    const first = await miner.edit({ seed: 41, job_id: reusedId }, { label: 'the first job under the id' });
    // The job that replaces it is the base request, so its output is the base edit's and its twins are shared.
    const second = await miner.edit({ ...BASE_EDIT.fields, job_id: reusedId }, { label: 'the base request under the reused id' });
    expect(second.record.request.seed, `the record of ${reusedId} after it was reused`).toBe(BASE_EDIT.fields.seed);
    const [chained, direct] = await Promise.all([
      miner.edit({ ...CHAIN[0], reference_job_id: reusedId, image_b64: decoy.b64 }, { label: 'edit 1 of the reused id' }),
      miner.sharedEdit(firstStepFromBase(miner)),
    ]);
    expect(chained.record.request.image_source, 'image_source of the job that references the reused id').toBe('reference_edit');
    await expect(second).toDifferVisiblyFrom(first);
    await expect(chained).toHaveSamePixelsAs(direct);
  },
);
