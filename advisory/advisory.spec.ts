import { BASE_EDIT, expect, plannedEdits, test } from '../fixtures/index.ts';

// Advisory findings: what a careful operator fixes although validators do not punish it (yet). This
// project runs only when asked: ASYNC_ADVISORY=true npx playwright test --project advisory

test(
  "the callback's image_url resolves to the result",
  { tag: '@advisory-callback-image-url', annotation: plannedEdits(10) },
  async ({ miner, callbacks, minerApi }) => {
    const request = miner.requestBody({ seed: 51 });
    const outcome = await miner.edit(request, { label: 'result' });
    const receipt = await callbacks.waitFor(request.job_id);
    const url = receipt.fields.image_url ?? '';
    const answer = await minerApi.get(url, { failOnStatusCode: false, timeout: 10_000 });
    expect(answer.status(), `GET ${url}, the callback's image_url (upstream builds it without the edits/ segment)`).toBe(200);
    expect((await answer.body()).equals(outcome.png), `bytes at ${url} vs /edit/result`).toBe(true);
  },
);

test(
  '/images/edits/<id>.png serves the same file as /edit/result',
  { tag: '@advisory-static-image', annotation: plannedEdits(BASE_EDIT) },
  async ({ miner }) => {
    const outcome = await miner.sharedEdit(BASE_EDIT);
    const answer = await miner.getAnswer(`/images/edits/${encodeURIComponent(outcome.jobId)}.png`);
    expect(answer.status, 'GET /images/edits/<id>.png').toBe(200);
    expect(answer.body.equals(outcome.png), 'the static file is byte-identical to /edit/result').toBe(true);
  },
);

// Planned as one edit: a miner that accepts the id runs it.
test('a job_id with path characters is refused', { tag: '@advisory-path-job-id', annotation: plannedEdits(10) }, async ({ miner }) => {
  const answer = await miner.post(miner.requestBody({ seed: 53, job_id: '../../etc/kontext', callback_url: undefined }));
  expect(answer.status, `POST /edit with job_id "../../etc/kontext" should be refused with 400 or 422: ${answer.text.slice(0, 200)}`).toBe(
    answer.status === 422 ? 422 : 400,
  );
});

test('an oversized body is refused with 413', { tag: '@advisory-body-limit', annotation: plannedEdits(10) }, async ({ miner }) => {
  const answer = await miner.post({ ...miner.requestBody({ seed: 54, callback_url: undefined }), prompt: 'x'.repeat(64 * 1024 * 1024) });
  expect(answer.status, 'POST /edit with a 64 MiB body').toBe(413);
});
