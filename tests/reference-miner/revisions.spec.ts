import { JobListingSchema } from '../../protocol/listings.ts';
import { HttpErrorSchema } from '../../protocol/refusals.ts';
import { startScriptedServer } from '../support/scripted-server.ts';
import { expect, test } from '../support/reference-miner-fixtures.ts';

// MINER_PROTOCOL_REVISION: seed, later (as deployed upstream) or both (the default); what each one changes.

test('/health names the revision and the reference engine; the default is both', async ({ miner, startMiner }) => {
  expect((await miner.get('/health')).json.config).toMatchObject({ protocol_revision: 'both', engine: 'reference-cpu' });
  const later = await startMiner({ protocolRevision: 'later' });
  expect((await later.get('/health')).json.config).toMatchObject({ protocol_revision: 'later', engine: 'reference-cpu' });
});

test('/openapi.json declares reference_job_id in seed, image_url in later, and both in both', async ({ startMiner }) => {
  const fields = async (protocolRevision: 'seed' | 'later' | 'both') =>
    Object.keys((await (await startMiner({ protocolRevision })).get('/openapi.json')).json.components.schemas.EditRequest.properties);
  const [seed, later, both] = await Promise.all([fields('seed'), fields('later'), fields('both')]);
  expect(seed).toContain('reference_job_id');
  expect(seed).not.toContain('image_url');
  expect(later).toContain('image_url');
  expect(later).not.toContain('reference_job_id');
  expect(both).toEqual(expect.arrayContaining(['reference_job_id', 'image_url']));
});

test('seed: image_url is ignored like any unknown field', async ({ startMiner, imageB64 }) => {
  const miner = await startMiner({ protocolRevision: 'seed' });
  const alone = await miner.edit({ prompt: 'x', seed: 1, image_url: 'http://127.0.0.1:9/input.png' });
  expect(alone.status).toBe(400);
  expect(HttpErrorSchema.parse(alone.json).detail).toMatch(/image_b64 or reference_job_id/);
  const { record } = await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, image_url: 'http://127.0.0.1:9/input.png' });
  expect(record).toMatchObject({ status: 'completed', request: { image_source: 'base64' } });
});

test('later: reference_job_id is ignored, so a reference alone is no image source', async ({ startMiner, imageB64 }) => {
  const miner = await startMiner({ protocolRevision: 'later' });
  const base = await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64 });
  const { record } = await miner.run({ prompt: 'x', seed: 2, reference_job_id: base.record.id });
  expect(record).toMatchObject({ status: 'failed', error: 'Must provide either image_url or image_b64' });
  expect(record.request.reference_job_id).toBeNull();
});

test('later: undecodable input and no image source are accepted (200), then fail and call back failed', async ({
  startMiner,
  receiver,
}) => {
  const miner = await startMiner({ protocolRevision: 'later' });
  const cases = {
    'later-no-source': {},
    'later-bad-base64': { image_b64: '%%%not base64%%%' },
    'later-not-image': { image_b64: Buffer.from('plain text').toString('base64') },
  };
  const runs = await Promise.all(
    Object.entries(cases).map(([job_id, source]) =>
      miner.run({ prompt: 'x', seed: 1, job_id, callback_url: receiver.track(job_id), ...source }),
    ),
  );
  for (const { record } of runs) expect(record, record.id).toMatchObject({ status: 'failed', error: expect.stringMatching(/\S/) });
  expect(runs[0]!.record.error).toBe('Must provide either image_url or image_b64');
  for (const job_id of Object.keys(cases)) {
    const receipt = await receiver.waitFor(job_id, { timeoutMs: 5_000 });
    expect(receipt.fields, job_id).toMatchObject({ status: 'failed', error: expect.stringMatching(/\S/) });
  }
});

test('seed and both refuse the same inputs at submission with 400', async ({ startMiner }) => {
  for (const protocolRevision of ['seed', 'both'] as const) {
    const miner = await startMiner({ protocolRevision });
    for (const body of [{}, { image_b64: '%%%not base64%%%' }, { image_b64: Buffer.from('plain text').toString('base64') }])
      expect((await miner.edit({ prompt: 'x', seed: 1, ...body })).status, `${protocolRevision} ${JSON.stringify(body)}`).toBe(400);
  }
});

test('the result of an unfinished job: 404 in later, 400 in seed', async ({ startMiner, imageB64 }) => {
  for (const [protocolRevision, expected] of [
    ['later', 404],
    ['seed', 400],
  ] as const) {
    const miner = await startMiner({ protocolRevision, editLatencyMs: 400 });
    const { json } = await miner.edit({ prompt: 'x', seed: 1, image_b64: imageB64 });
    expect((await miner.get(`/edit/result/${json.job_id}`)).status, protocolRevision).toBe(expected);
  }
});

test('later: GET /jobs lists edit_jobs and inference_jobs, ?job_type= keeps one kind, and a live duplicate job_id answers 409', async ({
  startMiner,
  imageB64,
}) => {
  const miner = await startMiner({ protocolRevision: 'later', editLatencyMs: 400 });
  const body = { prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'later-listed' };
  expect((await miner.edit(body)).status).toBe(200);
  expect((await miner.edit(body)).status).toBe(409);
  const listing = async (query: string) => JobListingSchema.parse((await miner.get(`/jobs${query}`)).json);
  const ids = (records: { id: string }[] | undefined) => records?.map((record) => record.id);
  const all = await listing('');
  expect([ids(all.edit_jobs), all.inference_jobs]).toEqual([['later-listed'], []]);
  const edits = await listing('?job_type=edit');
  expect([ids(edits.edit_jobs), edits.inference_jobs]).toEqual([['later-listed'], undefined]);
  const inferences = await listing('?job_type=inference');
  expect([inferences.edit_jobs, inferences.inference_jobs]).toEqual([undefined, []]);
});

test('later: image_url is honoured in the worker, with image_b64 as the fallback', async ({ startMiner, imageB64 }) => {
  const png = Buffer.from(imageB64, 'base64');
  const host = await startScriptedServer(({ path }) =>
    path === '/input.png' ? { status: 200, body: png, contentType: 'image/png' } : { status: 404 },
  );
  try {
    const miner = await startMiner({ protocolRevision: 'later' });
    const [fromUrl, fallback] = await Promise.all([
      miner.run({ prompt: 'x', seed: 1, image_url: `${host.url}/input.png` }),
      miner.run({ prompt: 'x', seed: 1, image_url: `${host.url}/missing.png`, image_b64: imageB64 }),
    ]);
    expect(fromUrl.record.request.image_source).toBe('url');
    expect(fallback.record.request.image_source).toBe('url_fallback_to_base64');
    expect(fromUrl.png!.equals(fallback.png!)).toBe(true);
  } finally {
    await host.close();
  }
});
