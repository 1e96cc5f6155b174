import { healthyAndFaulty } from './healthy-and-faulty.ts';
import { expect, test } from './miner-test.ts';

// The faults of jobs that never end and of their bookkeeping: each is observable, and the healthy miner differs.

test('queue-full-503: with INFERENCE_QUEUE_MAXSIZE reached a submission answers 503 instead of waiting', async ({
  startMiner,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'queue-full-503', {
    inferenceWorkers: 1,
    inferenceQueueMaxsize: 1,
    editLatencyMs: 300,
  });
  const body = { prompt: 'x', seed: 1, image_b64: imageB64 };
  for (const miner of [healthy, faulty]) for (let i = 0; i < 2; i++) expect((await miner.edit(body)).status).toBe(200);
  const refused = await faulty.edit(body);
  expect(refused.status).toBe(503);
  expect(refused.json.detail).toMatch(/queue is full/);
  expect((await healthy.edit(body)).status).toBe(200);
});

test('stuck-on-bad-input: an undecodable job stays processing and never calls back, while later jobs complete', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'stuck-on-bad-input');
  const truncated = Buffer.from(imageB64, 'base64').subarray(0, 200).toString('base64');
  const bad = (job_id: string) => ({ prompt: 'x', seed: 1, image_b64: truncated, job_id, callback_url: receiver.callbackUrl(job_id) });
  expect((await faulty.edit(bad('stuck-faulty'))).status).toBe(200);
  await faulty.run({ prompt: 'x', seed: 1, image_b64: imageB64 }); // the single worker has moved on
  expect((await faulty.record('stuck-faulty')).status).toBe('processing');
  expect((await healthy.run(bad('stuck-healthy'))).record.status).toBe('failed');
  await receiver.waitForCallback('stuck-healthy', { timeoutMs: 5_000 });
  expect(receiver.received('stuck-faulty')).toEqual([]);
});

test('timestamps-out-of-order: started_at is earlier than queued_at', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'timestamps-out-of-order');
  const body = { prompt: 'x', seed: 1, image_b64: imageB64 };
  const [fromFaulty, fromHealthy] = await Promise.all([faulty.run(body), healthy.run(body)]);
  const inOrder = ({ queued_at, started_at }: { queued_at: string; started_at?: string | null }) => started_at! >= queued_at;
  expect(inOrder(fromFaulty.record)).toBe(false);
  expect(inOrder(fromHealthy.record)).toBe(true);
});

test('request-echo-defaults: the echo shows 2.5 and 28 though 7.5 and 10 were sent', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'request-echo-defaults');
  const body = { prompt: 'x', seed: 1, image_b64: imageB64, guidance_scale: 7.5, num_inference_steps: 10 };
  const [fromFaulty, fromHealthy] = await Promise.all([faulty.run(body), healthy.run(body)]);
  expect(fromFaulty.record.request).toMatchObject({ guidance_scale: 2.5, num_inference_steps: 28 });
  expect(fromHealthy.record.request).toMatchObject({ guidance_scale: 7.5, num_inference_steps: 10 });
});

test('unfinished-result-200: the result of an unfinished job answers 200 with an empty body', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'unfinished-result-200', { editLatencyMs: 400 });
  const body = { prompt: 'x', seed: 1, image_b64: imageB64 };
  const early = async (miner: typeof faulty) => {
    const { json } = await miner.edit(body);
    const answer = await miner.get(`/edit/result/${json.job_id}`);
    return { status: answer.status, empty: answer.bytes.length === 0 };
  };
  expect(await early(faulty)).toEqual({ status: 200, empty: true });
  expect(await early(healthy)).toEqual({ status: 400, empty: false });
});
