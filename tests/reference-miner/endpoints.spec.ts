import { EditAcceptedSchema } from '../../protocol/edit-job.ts';
import { HttpErrorSchema, ValidationErrorSchema } from '../../protocol/refusals.ts';
import { HealthSchema } from '../../protocol/service.ts';
import { isPng } from '../../lib/wire-body.ts';
import { waitUntil } from '../../lib/wait-until.ts';
import { expect, test, type Answer, type MinerUnderTest } from '../support/reference-miner-fixtures.ts';

test('GET / names the service and its endpoints; unknown routes 404, wrong methods 405', async ({ miner }) => {
  const root = await miner.get('/');
  expect(root.status).toBe(200);
  expect(root.json.endpoints).toContain('/edit');
  expect((await miner.get('/nowhere')).status).toBe(404);
  expect((await miner.get('/nowhere')).json).toEqual({ detail: 'Not Found' });
  expect((await miner.get('/edit')).status).toBe(405);
});

test('GET /health reports kontext_edit loaded, or disabled when editing is off, which makes POST /edit 503', async ({
  miner,
  startMiner,
  imageB64,
}) => {
  const health = HealthSchema.parse((await miner.get('/health')).json);
  expect(health.services.kontext_edit).toBe('loaded');
  const disabled = await startMiner({ enableKontextEdit: false });
  expect(HealthSchema.parse((await disabled.get('/health')).json).services.kontext_edit).toBe('disabled');
  const refused = await disabled.edit({ prompt: 'x', seed: 1, image_b64: imageB64 });
  expect(refused.status).toBe(503);
  expect(HttpErrorSchema.parse(refused.json).detail).toContain('ENABLE_KONTEXT_EDIT');
});

test('GET /openapi.json lists the edit request fields of both protocol revisions', async ({ miner }) => {
  const document = (await miner.get('/openapi.json')).json;
  expect(Object.keys(document.components.schemas.EditRequest.properties)).toEqual(
    expect.arrayContaining([
      'prompt',
      'seed',
      'image_b64',
      'reference_job_id',
      'image_url',
      'guidance_scale',
      'num_inference_steps',
      'job_id',
      'callback_url',
      'callback_secret',
      'expiry',
    ]),
  );
  expect(document.components.schemas.EditRequest.required).toEqual(expect.arrayContaining(['prompt', 'seed']));
});

test('POST /edit accepts with the protocol body, makes edit-<uuid4> ids, ignores unknown fields', async ({ miner, imageB64 }) => {
  const answer = await miner.edit({ prompt: 'x', seed: 1, image_b64: imageB64, strength: 0.7, negative_prompt: 'blur' });
  expect(answer.status).toBe(200);
  const accepted = EditAcceptedSchema.parse(answer.json);
  expect(accepted.job_id).toMatch(/^edit-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(answer.json).toEqual({
    accepted: true,
    job_id: accepted.job_id,
    status: 'queued',
    message: expect.any(String),
    status_url: `/edit/status/${accepted.job_id}`,
    result_url: `/edit/result/${accepted.job_id}`,
  });
});

for (const [what, body, loc, type] of [
  ['a missing seed', { prompt: 'x' }, 'seed', 'missing'],
  ['a missing prompt', { seed: 1 }, 'prompt', 'missing'],
  ['a seed that is text', { prompt: 'x', seed: 'abc' }, 'seed', 'int_type'],
  ['a fractional seed', { prompt: 'x', seed: 1.5 }, 'seed', 'int_from_float'],
  ['a prompt that is a number', { prompt: 5, seed: 1 }, 'prompt', 'string_type'],
  ['guidance_scale below 1', { prompt: 'x', seed: 1, guidance_scale: 0.5 }, 'guidance_scale', 'greater_than_equal'],
  ['guidance_scale above 20', { prompt: 'x', seed: 1, guidance_scale: 20.5 }, 'guidance_scale', 'less_than_equal'],
  ['num_inference_steps of 0', { prompt: 'x', seed: 1, num_inference_steps: 0 }, 'num_inference_steps', 'greater_than_equal'],
  ['num_inference_steps above 100', { prompt: 'x', seed: 1, num_inference_steps: 101 }, 'num_inference_steps', 'less_than_equal'],
  ['an expiry that is no date', { prompt: 'x', seed: 1, expiry: 'tomorrow' }, 'expiry', 'datetime_from_date_parsing'],
] as const) {
  test(`POST /edit with ${what} answers 422 naming body.${loc}`, async ({ miner, imageB64 }) => {
    const answer = await miner.edit({ image_b64: imageB64, ...body });
    expect(answer.status).toBe(422);
    const detail = ValidationErrorSchema.parse(answer.json).detail;
    expect(detail).toContainEqual(expect.objectContaining({ loc: ['body', loc], type }));
  });
}

test('POST /edit with malformed JSON or a body that is no object answers 422', async ({ miner }) => {
  const malformed = await miner.edit('{"prompt": "x", "seed": ');
  expect(malformed.status).toBe(422);
  expect(malformed.json.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', expect.any(Number)] });
  for (const body of ['[]', 'null', '"text"', '42']) expect((await miner.edit(body)).status).toBe(422);
});

for (const [what, body, detail] of [
  ['no image source', { prompt: 'x', seed: 1 }, /image_b64 or reference_job_id/],
  ['image_b64 that is not base64', { prompt: 'x', seed: 1, image_b64: '%%%not base64%%%' }, /not valid base64/],
  [
    'image_b64 that is not an image',
    { prompt: 'x', seed: 1, image_b64: Buffer.from('plain text').toString('base64') },
    /not a PNG, JPEG or WebP/,
  ],
  ['a missing reference without fallback', { prompt: 'x', seed: 1, reference_job_id: 'edit-missing' }, /edit-missing not found/],
  ['a job_id that escapes the output folder', { prompt: 'x', seed: 1, job_id: '../../etc/passwd' }, /path separators/],
  ['a job_id longer than 128 characters', { prompt: 'x', seed: 1, job_id: 'j'.repeat(129) }, /1 to 128 characters/],
] as const) {
  test(`POST /edit with ${what} answers 400 with its reason`, async ({ miner, imageB64 }) => {
    const answer = await miner.edit(what.startsWith('a job_id') ? { ...body, image_b64: imageB64 } : body);
    expect(answer.status).toBe(400);
    expect(HttpErrorSchema.parse(answer.json).detail).toMatch(detail);
  });
}

test('POST /edit over the body limit answers 413', async ({ startMiner }) => {
  const miner = await startMiner({ maxBodyBytes: 4096 });
  const answer = await miner.edit({ prompt: 'x', seed: 1, image_b64: 'A'.repeat(8192) });
  expect(answer.status).toBe(413);
});

test('a job_id still queued or processing answers 409; a finished one may be reused', async ({ startMiner, imageB64 }) => {
  const miner = await startMiner({ editLatencyMs: 400 });
  const body = { prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'client-job-1' };
  expect((await miner.edit(body)).status).toBe(200);
  const duplicate = await miner.edit(body);
  expect(duplicate.status).toBe(409);
  expect(HttpErrorSchema.parse(duplicate.json).detail).toContain('client-job-1');
  await miner.waitForEnd('client-job-1');
  expect((await miner.edit({ ...body, seed: 2 })).status).toBe(200);
  expect((await miner.record('client-job-1')).request.seed).toBe(2);
});

test('the status record carries every field of the protocol, and the result is served twice as the same PNG', async ({
  miner,
  imageB64,
}) => {
  const { record, png } = await miner.run({ prompt: 'x', seed: 7, image_b64: imageB64, job_id: 'record-1', callback_secret: 's' });
  expect(record).toMatchObject({
    id: 'record-1',
    status: 'completed',
    result_url: '/edit/result/record-1',
    image_url: expect.stringMatching(/\/images\/edits\/record-1\.png$/),
    output_path: expect.stringMatching(/edits\/record-1\.png$/),
    request: {
      prompt: 'x',
      seed: 7,
      guidance_scale: 2.5,
      num_inference_steps: 28,
      image_source: 'base64',
      callback_secret_provided: true,
      reference_job_id: null,
    },
  });
  expect(record.started_at && record.completed_at).toBeTruthy();
  const result = await miner.get('/edit/result/record-1');
  expect(result.contentType).toBe('image/png');
  expect(isPng(result.bytes)).toBe(true);
  expect((await miner.get('/images/edits/record-1.png')).bytes.equals(png!)).toBe(true);
  expect((await miner.get('/jobs')).json).toMatchObject({ edit_jobs: [{ id: 'record-1' }], inference_jobs: [] });
});

test("unknown ids answer 404 for status and result; an unfinished job's result answers 400", async ({ startMiner, imageB64 }) => {
  const miner = await startMiner({ editLatencyMs: 400 });
  expect((await miner.get('/edit/status/nope')).status).toBe(404);
  expect((await miner.get('/edit/result/nope')).status).toBe(404);
  expect((await miner.get('/images/edits/nope.png')).status).toBe(404);
  const { json } = await miner.edit({ prompt: 'x', seed: 1, image_b64: imageB64 });
  expect((await miner.get(`/edit/result/${json.job_id}`)).status).toBe(400);
});

test('after JOB_RECORD_TTL_SECONDS a completed record answers "job record cleaned up", a failed one 404', async ({
  startMiner,
  imageB64,
}) => {
  const miner = await startMiner({ jobRecordTtlSeconds: 0.2 });
  const done = await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64 });
  const truncated = Buffer.from(imageB64, 'base64').subarray(0, 200).toString('base64');
  const failed = await miner.run({ prompt: 'x', seed: 1, image_b64: truncated });
  expect(failed.record.status).toBe('failed');
  const cleaned = await waitForStatus(miner, done.record.id, (a) => a.json?.note === 'job record cleaned up');
  expect(cleaned.json).toEqual({ id: done.record.id, status: 'completed', note: 'job record cleaned up' });
  expect((await waitForStatus(miner, failed.record.id, (a) => a.status === 404)).status).toBe(404);
});

async function waitForStatus(miner: MinerUnderTest, id: string, done: (answer: Answer) => boolean): Promise<Answer> {
  return waitUntil(
    async () => {
      const answer = await miner.get(`/edit/status/${id}`);
      return done(answer) ? answer : undefined;
    },
    { timeoutMs: 5_000, describe: () => `the record of ${id} was not cleaned up` },
  );
}
