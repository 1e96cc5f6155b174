import { comparePixels } from '../../lib/images/compare-pixels.ts';
import { decodePixels } from '../../lib/images/decode-pixels.ts';
import { healthyAndFaulty } from './healthy-and-faulty.ts';
import { expect, test } from './miner-test.ts';

// The hostile-input, validator and advisory faults: each is observable, and the healthy miner differs.

test('range-edges-refused: guidance_scale 20.0 and num_inference_steps 100 answer 422', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'range-edges-refused');
  for (const [field, edge] of [
    ['guidance_scale', 20.0],
    ['num_inference_steps', 100],
  ] as const) {
    const body = { prompt: 'x', seed: 1, image_b64: imageB64, [field]: edge };
    const refused = await faulty.edit(body);
    expect(refused.status, field).toBe(422);
    expect(refused.json.detail[0], field).toMatchObject({ loc: ['body', field], type: 'less_than' });
    expect((await healthy.edit(body)).status, field).toBe(200);
  }
});

test('junk-field-500: an object or array in a field crashes the handler with a 500 text traceback', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'junk-field-500');
  for (const body of [
    { prompt: {}, seed: 1, image_b64: imageB64 },
    { prompt: 'x', seed: [1], image_b64: imageB64 },
  ]) {
    const crashed = await faulty.edit(body);
    expect(crashed.status).toBe(500);
    expect(crashed.contentType).toMatch(/^text\/plain/);
    expect(crashed.bytes.toString()).toMatch(/^Traceback \(most recent call last\):[\s\S]*TypeError: unhashable type/);
    expect((await healthy.edit(body)).status).toBe(422);
  }
});

test('job-id-truncated: a 40-character job_id comes back cut to 32 in the answer, the record and the callback', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'job-id-truncated');
  const job_id = 'validator-job-0123456789abcdef-0123456';
  const body = { prompt: 'x', seed: 1, image_b64: imageB64, job_id, callback_url: receiver.callbackUrl('truncated') };
  const cut = job_id.slice(0, 32);
  expect((await faulty.edit(body)).json.job_id).toBe(cut);
  expect((await faulty.waitForEnd(cut)).id).toBe(cut);
  expect((await receiver.waitForCallback('truncated', { timeoutMs: 5_000 })).fields.job_id).toBe(cut);
  expect((await healthy.edit(body)).json.job_id).toBe(job_id);
});

test('job-id-path-accepted: a job_id with / and .. is accepted and its file name sanitised', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'job-id-path-accepted');
  const body = { prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'a/../b' };
  expect((await faulty.edit(body)).status).toBe(200);
  const record = await faulty.waitForEnd('a/../b');
  expect(record).toMatchObject({ status: 'completed', output_path: expect.stringMatching(/edits\/a___b\.png$/) });
  expect((await healthy.edit(body)).status).toBe(400);
});

test('no-body-limit: a body over MINER_MAX_BODY_BYTES is read instead of refused with 413', async ({ startMiner }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'no-body-limit', { maxBodyBytes: 4096 });
  const body = { prompt: 'x', seed: 1, image_b64: 'A'.repeat(8192) };
  expect((await healthy.edit(body)).status).toBe(413);
  expect((await faulty.edit(body)).status).toBe(400); // read, then refused for what it holds
});

test('static-image-differs: /images/edits/<id>.png holds the same pixels in other bytes than /edit/result', async ({
  startMiner,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'static-image-differs');
  const body = { prompt: 'x', seed: 1, image_b64: imageB64 };
  const served = async (miner: typeof faulty) => {
    const { record, png } = await miner.run(body);
    const copy = (await miner.get(`/images/edits/${record.id}.png`)).bytes;
    return {
      sameBytes: copy.equals(png!),
      differingPixels: comparePixels(await decodePixels(copy), await decodePixels(png!)).differingPixels,
    };
  };
  expect(await served(faulty)).toEqual({ sameBytes: false, differingPixels: 0 });
  expect(await served(healthy)).toEqual({ sameBytes: true, differingPixels: 0 });
});
