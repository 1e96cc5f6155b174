import { expect, plannedEdits, submitUnusable, test } from '../fixtures/index.ts';

// POST /edit validates its body as FastAPI does: a missing or mistyped field or an out-of-range number
// is a 422 naming the field, and never a job. An input that cannot be edited is refused with 400 (seed
// protocol) or accepted and failed with a reason (later revision): both revisions are kept here.

test(
  'an edit without a seed is refused with 422 naming body.seed and never becomes a job',
  { tag: '@seed-required', annotation: plannedEdits() },
  async ({ miner }) => {
    const { seed: _omitted, ...withoutSeed } = miner.requestBody({ seed: 23 });
    expect(await miner.post(withoutSeed)).toBeRefused(422, { loc: ['body', 'seed'] });
    await expect(miner).toNotKnowJob(withoutSeed.job_id);
  },
);

test(
  'out-of-range guidance_scale and num_inference_steps are refused with 422 naming the field',
  { tag: '@ranges-refused', annotation: plannedEdits() },
  async ({ miner, callbacks }) => {
    const cases = [
      { what: 'guidance_scale above 20', fields: { guidance_scale: 25 }, loc: ['body', 'guidance_scale'] },
      { what: 'num_inference_steps of 0', fields: { num_inference_steps: 0 }, loc: ['body', 'num_inference_steps'] },
    ] as const;
    for (const { what, fields, loc } of cases) {
      await test.step(what, async () => {
        const request = miner.requestBody({ seed: 34, ...fields });
        expect.soft(await miner.post(request)).toBeRefused(422, { loc });
        await expect.soft(miner).toNotKnowJob(request.job_id);
        expect.soft(await callbacks.received(request.job_id), 'callbacks for a refused request').toEqual([]);
      });
    }
  },
);

// At the later revision an unusable input is accepted and its job fails before any step: planned as one edit.
test(
  'an edit with no image source is turned away',
  { tag: '@image-source-required', annotation: plannedEdits(10) },
  async ({ miner, callbacks }) => {
    const rejection = await submitUnusable(
      miner,
      callbacks,
      'an edit with no image source',
      miner.requestBody({ seed: 22, image_b64: undefined }),
    );
    expect(rejection).toBeTurnedAway();
  },
);

test(
  'image_b64 that is not an image is turned away',
  { tag: '@undecodable-image-refused', annotation: plannedEdits(10) },
  async ({ miner, callbacks }) => {
    const notAnImage = Buffer.from('plain text, not an image').toString('base64');
    const rejection = await submitUnusable(
      miner,
      callbacks,
      'image_b64 that is not an image',
      miner.requestBody({ seed: 35, image_b64: notAnImage }),
    );
    expect(rejection).toBeTurnedAway();
  },
);
