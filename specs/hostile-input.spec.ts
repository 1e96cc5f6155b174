import { expect, fuzzedEditBodies, test } from '../fixtures/index.ts';

// Validation at the edges and under junk: inclusive ranges, FastAPI's 422 for wrong types, and never a
// 5xx, whatever the body; the miner still healthy afterwards.

test(
  'range edges: guidance 1.0 and 20.0, steps 1 and 100 accepted; 0.99, 20.01, 0 and 101 refused with 422',
  { tag: ['@range-edges', '@slow'] },
  async ({ miner }) => {
    // Accepted edges run as jobs; no callback keeps them out of later tests' inboxes.
    const accepted = [{ guidance_scale: 1.0 }, { guidance_scale: 20.0 }, { num_inference_steps: 1 }, { num_inference_steps: 100 }];
    const refused = [
      { fields: { guidance_scale: 0.99 }, loc: ['body', 'guidance_scale'] },
      { fields: { guidance_scale: 20.01 }, loc: ['body', 'guidance_scale'] },
      { fields: { num_inference_steps: 0 }, loc: ['body', 'num_inference_steps'] },
      { fields: { num_inference_steps: 101 }, loc: ['body', 'num_inference_steps'] },
    ];
    for (const fields of accepted)
      await test.step(`accepts ${JSON.stringify(fields)}`, async () => {
        const answer = await miner.post(miner.requestBody({ seed: 91, callback_url: undefined, ...fields }));
        expect.soft(answer.status, `POST /edit with ${JSON.stringify(fields)}: ${answer.text.slice(0, 200)}`).toBe(200);
      });
    for (const { fields, loc } of refused)
      await test.step(`refuses ${JSON.stringify(fields)}`, async () => {
        const request = miner.requestBody({ seed: 92, ...fields });
        expect.soft(await miner.post(request)).toBeRefused(422, { loc });
        await expect.soft(miner).toNotKnowJob(request.job_id);
      });
  },
);

test('wrong types are refused with 422 naming the field, never a job', { tag: '@wrong-types' }, async ({ miner }) => {
  const cases = [
    { field: 'seed', value: 'forty-two' },
    { field: 'seed', value: 4.5 },
    { field: 'guidance_scale', value: 'high' },
    { field: 'num_inference_steps', value: [28] },
    { field: 'prompt', value: 123 },
  ];
  for (const { field, value } of cases)
    await test.step(`${field} = ${JSON.stringify(value)}`, async () => {
      const request = { ...miner.requestBody({ seed: 93 }), [field]: value };
      expect.soft(await miner.post(request)).toBeRefused(422, { loc: ['body', field] });
      await expect.soft(miner).toNotKnowJob(request.job_id);
    });
});

test(
  "bodies generated from the miner's own /openapi.json never get a 5xx, and the miner stays healthy",
  { tag: '@fuzz-no-5xx' },
  async ({ miner, suite }) => {
    const valid = miner.requestBody({ seed: 94, callback_url: undefined });
    const bodies = fuzzedEditBodies(suite.editRequestFields, valid);
    const answers = await Promise.all(bodies.map(async ({ what, body }) => ({ what, answer: await miner.post(body) })));
    const crashes = answers
      .filter(({ answer }) => answer.status >= 500)
      .map(({ what, answer }) => `${what}: ${answer.status} ${answer.text.slice(0, 120)}`);
    expect(crashes, `5xx answers among ${bodies.length} generated bodies`).toEqual([]);
    expect((await miner.getAnswer('/health')).status, 'GET /health after the generated bodies').toBe(200);
  },
);
