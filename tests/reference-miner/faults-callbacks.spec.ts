import { waitUntil } from '../../lib/wait-until.ts';
import { healthyAndFaulty } from './healthy-and-faulty.ts';
import { expect, test } from './miner-test.ts';

// The callback, secret and expiry faults: each is observable, and the healthy miner differs.

const truncatedPng = (imageB64: string) => Buffer.from(imageB64, 'base64').subarray(0, 200).toString('base64');

test('callback-sent-twice: the same callback arrives again about 1 s after the first was answered 200', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'callback-sent-twice');
  const body = (job_id: string) => ({ prompt: 'x', seed: 1, image_b64: imageB64, job_id, callback_url: receiver.callbackUrl(job_id) });
  await Promise.all([faulty.run(body('twice-faulty')), healthy.run(body('twice-healthy'))]);
  const both = await waitUntil(() => (receiver.received('twice-faulty').length >= 2 ? receiver.received('twice-faulty') : undefined), {
    timeoutMs: 5_000,
    describe: () => `callbacks of twice-faulty: ${receiver.received('twice-faulty').length}`,
  });
  expect(both.map((r) => r.fields.status)).toEqual(['completed', 'completed']);
  expect(receiver.received('twice-healthy'), 'the healthy miner, in the same second').toHaveLength(1);
});

test('failure-empty-error: a failed job records and calls back error ""', async ({ startMiner, receiver, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'failure-empty-error');
  const body = (job_id: string) => ({
    prompt: 'x',
    seed: 1,
    image_b64: truncatedPng(imageB64),
    job_id,
    callback_url: receiver.callbackUrl(job_id),
  });
  const [fromFaulty, fromHealthy] = await Promise.all([faulty.run(body('empty-faulty')), healthy.run(body('empty-healthy'))]);
  expect(fromFaulty.record).toMatchObject({ status: 'failed', error: '' });
  expect((await receiver.waitForCallback('empty-faulty', { timeoutMs: 5_000 })).fields).toMatchObject({ status: 'failed', error: '' });
  expect(fromHealthy.record.error).toMatch(/Could not decode/);
});

test('callback-answer-ignored: a receiver answering 500 is recorded delivered with 200', async ({ startMiner, receiver, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'callback-answer-ignored');
  for (const id of ['ignored-faulty', 'ignored-healthy']) receiver.respondWith(id, 500);
  const body = (job_id: string) => ({ prompt: 'x', seed: 1, image_b64: imageB64, job_id, callback_url: receiver.callbackUrl(job_id) });
  await Promise.all([faulty.run(body('ignored-faulty')), healthy.run(body('ignored-healthy'))]);
  const delivery = (miner: typeof faulty, id: string) => miner.waitFor(id, (r) => r.callback ?? undefined, 'a recorded delivery');
  expect(await delivery(faulty, 'ignored-faulty')).toMatchObject({ status: 'delivered', status_code: 200 });
  expect(await delivery(healthy, 'ignored-healthy')).toMatchObject({ status: 'error', status_code: 500 });
});

test('secret-in-record: the request echo and GET /jobs carry callback_secret in clear', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'secret-in-record');
  const body = { prompt: 'x', seed: 1, image_b64: imageB64, callback_secret: 'sesame-1234' };
  const [fromFaulty, fromHealthy] = await Promise.all([faulty.run(body), healthy.run(body)]);
  expect(fromFaulty.record.request).toMatchObject({ callback_secret: 'sesame-1234', callback_secret_provided: true });
  expect((await faulty.get('/jobs')).bytes.toString()).toContain('sesame-1234');
  expect(JSON.stringify(fromHealthy.record)).not.toContain('sesame-1234');
  expect((await healthy.get('/jobs')).bytes.toString()).not.toContain('sesame-1234');
});

test("secret-in-error: a failed job's error ends with the request as JSON, secret included", async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'secret-in-error');
  const body = { prompt: 'x', seed: 1, image_b64: truncatedPng(imageB64), callback_secret: 'sesame-5678' };
  const [fromFaulty, fromHealthy] = await Promise.all([faulty.run(body), healthy.run(body)]);
  expect(fromFaulty.record.error).toMatch(/Could not decode.*"callback_secret":"sesame-5678".*\}$/);
  expect(fromHealthy.record.error).not.toContain('sesame-5678');
});

test('expiry-offset-ignored: an expiry an hour ahead, written at -05:00, is read as 4 hours past', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'expiry-offset-ignored');
  const inAnHour = new Date(Date.now() + 3_600_000);
  const wallTimeAtMinusFive = new Date(inAnHour.getTime() - 5 * 3_600_000).toISOString().replace('Z', '-05:00');
  const body = (job_id: string) => ({
    prompt: 'x',
    seed: 1,
    image_b64: imageB64,
    job_id,
    callback_url: receiver.callbackUrl(job_id),
    expiry: wallTimeAtMinusFive,
  });
  await Promise.all([faulty.run(body('offset-faulty')), healthy.run(body('offset-healthy'))]);
  const outcome = (miner: typeof faulty, id: string) => miner.waitFor(id, (r) => r.callback?.status ?? undefined, 'a recorded outcome');
  expect(await outcome(faulty, 'offset-faulty')).toBe('expired');
  expect(await outcome(healthy, 'offset-healthy')).toBe('delivered');
});
