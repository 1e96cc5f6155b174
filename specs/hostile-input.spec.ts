import { expect, fuzzedEditBodies, noteLosslessCoercion, plannedEdits, test } from '../fixtures/index.ts';

// Validation at the edges and under junk: inclusive ranges, FastAPI's 422 for wrong types, and never a
// 5xx, whatever the body; the miner still healthy afterwards.

test(
  'range edges: guidance 1.0 and 20.0, steps 1 and 100 in range; 0.99, 20.01, 0 and 101 refused with 422',
  { tag: '@range-edges', annotation: plannedEdits() },
  async ({ miner }) => {
    // An edge is shown in range without spending a job: beside another field out of range, the 422 names only that field.
    const GUIDANCE = ['body', 'guidance_scale'];
    const STEPS = ['body', 'num_inference_steps'];
    const inRange = [
      { edge: { guidance_scale: 1.0 }, beside: { num_inference_steps: 0 }, loc: STEPS, spares: GUIDANCE },
      { edge: { guidance_scale: 20.0 }, beside: { num_inference_steps: 0 }, loc: STEPS, spares: GUIDANCE },
      { edge: { num_inference_steps: 1 }, beside: { guidance_scale: 0 }, loc: GUIDANCE, spares: STEPS },
      { edge: { num_inference_steps: 100 }, beside: { guidance_scale: 0 }, loc: GUIDANCE, spares: STEPS },
    ];
    const outOfRange = [
      { fields: { guidance_scale: 0.99 }, loc: GUIDANCE },
      { fields: { guidance_scale: 20.01 }, loc: GUIDANCE },
      { fields: { num_inference_steps: 0 }, loc: STEPS },
      { fields: { num_inference_steps: 101 }, loc: STEPS },
    ];
    for (const { edge, beside, loc, spares } of inRange)
      await test.step(`${JSON.stringify(edge)} is in range`, async () => {
        const request = miner.requestBody({ seed: 91, ...edge, ...beside });
        expect
          .soft(await miner.post(request), `POST /edit with ${JSON.stringify(edge)} beside ${JSON.stringify(beside)}`)
          .toBeRefused(422, { loc, spares });
      });
    for (const { fields, loc } of outOfRange)
      await test.step(`refuses ${JSON.stringify(fields)}`, async () => {
        const request = miner.requestBody({ seed: 92, ...fields });
        expect.soft(await miner.post(request)).toBeRefused(422, { loc });
        await expect.soft(miner).toNotKnowJob(request.job_id);
      });
  },
);

test(
  'wrong types are refused with 422 naming the field, never a job; a lossless one accepted is a divergence',
  { tag: '@wrong-types', annotation: plannedEdits() },
  async ({ miner }) => {
    const cases = [
      { field: 'seed', value: 'forty-two' },
      { field: 'seed', value: 4.5 },
      { field: 'guidance_scale', value: 'high' },
      { field: 'num_inference_steps', value: [28] },
    ];
    for (const { field, value } of cases)
      await test.step(`${field} = ${JSON.stringify(value)}`, async () => {
        const request = { ...miner.requestBody({ seed: 93 }), [field]: value };
        expect.soft(await miner.post(request)).toBeRefused(422, { loc: ['body', field] });
        await expect.soft(miner).toNotKnowJob(request.job_id);
      });

    // pydantic 1 turns prompt 123 into "123": the same edit, so a divergence, not a failure. Beside steps 0 the
    // request is refused either way (never a job), and whether the 422 names body.prompt tells which it did.
    await test.step('prompt = 123 beside num_inference_steps = 0', async () => {
      const request = { ...miner.requestBody({ seed: 93, num_inference_steps: 0 }), prompt: 123 };
      const answer = await miner.post(request);
      expect.soft(answer).toBeRefused(422, { loc: ['body', 'num_inference_steps'] });
      noteLosslessCoercion(answer, 'prompt', 'prompt 123 was taken as the text "123"');
      await expect.soft(miner).toNotKnowJob(request.job_id);
    });
  },
);

test(
  "bodies generated from the miner's own /openapi.json never get a 5xx, and the miner stays healthy",
  { tag: '@fuzz-no-5xx', annotation: plannedEdits() },
  async ({ miner, target }) => {
    const valid = miner.requestBody({ seed: 94, callback_url: undefined });
    const bodies = fuzzedEditBodies(target.editRequestFields, valid);
    const answers = await Promise.all(bodies.map(async ({ what, body }) => ({ what, answer: await miner.post(body) })));
    const crashes = answers
      .filter(({ answer }) => answer.status >= 500)
      .map(({ what, answer }) => `${what}: ${answer.status} ${answer.text.slice(0, 120)}`);
    expect(crashes, `5xx answers among ${bodies.length} generated bodies`).toEqual([]);
    expect((await miner.getAnswer('/health')).status, 'GET /health after the generated bodies').toBe(200);
  },
);
