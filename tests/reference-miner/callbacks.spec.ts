import { expect, test } from '../support/reference-miner-fixtures.ts';

test('success: one multipart POST with the secret, the fields, the quirky image_url and the result bytes; recorded delivered', async ({
  miner,
  receiver,
  imageB64,
}) => {
  let statusAtArrival: string | undefined;
  receiver.respondWith('cb-ok', { beforeAnswer: async () => void (statusAtArrival = (await miner.record('cb-ok')).status) });
  const { record, png } = await miner.run({
    prompt: 'x',
    seed: 1,
    image_b64: imageB64,
    job_id: 'cb-ok',
    callback_url: receiver.track('cb-ok'),
    callback_secret: 'top-secret',
  });
  const receipt = await receiver.waitFor('cb-ok', { timeoutMs: 5_000 });
  expect(statusAtArrival).toBe('completed');
  expect(receipt).toMatchObject({
    encoding: 'multipart',
    secret: 'top-secret',
    problem: undefined,
    imageFilename: 'cb-ok.png',
    imageContentType: 'image/png',
  });
  expect(receipt.fields).toMatchObject({ job_id: 'cb-ok', status: 'completed', image_url: expect.stringMatching(/\/images\/cb-ok\.png$/) });
  expect(receipt.fields.error, 'a success carries no error field').toBeUndefined();
  expect(receipt.image!.equals(png!)).toBe(true);
  const delivery = await miner.waitFor('cb-ok', (r) => r.callback ?? undefined, 'a recorded delivery');
  expect(delivery).toMatchObject({
    status: 'delivered',
    status_code: 200,
    payload_status: 'completed',
    response_preview: expect.stringContaining('success'),
  });
  expect(receiver.receivedNow()).toHaveLength(1);
  expect(record.request.callback_secret_provided).toBe(true);
});

test('failure: urlencoded with the error and no file part; recorded with payload_status failed', async ({ miner, receiver, imageB64 }) => {
  const truncated = Buffer.from(imageB64, 'base64').subarray(0, 200).toString('base64');
  const { record } = await miner.run({
    prompt: 'x',
    seed: 1,
    image_b64: truncated,
    job_id: 'cb-fail',
    callback_url: receiver.track('cb-fail'),
    callback_secret: 's',
  });
  expect(record).toMatchObject({ status: 'failed', error: expect.stringContaining('Could not decode') });
  const receipt = await receiver.waitFor('cb-fail', { timeoutMs: 5_000 });
  expect(receipt).toMatchObject({ encoding: 'urlencoded', secret: 's', image: undefined, problem: undefined });
  expect(receipt.fields).toMatchObject({ job_id: 'cb-fail', status: 'failed', error: record.error });
  expect(await miner.waitFor('cb-fail', (r) => r.callback ?? undefined, 'a recorded delivery')).toMatchObject({
    status: 'delivered',
    payload_status: 'failed',
  });
});

test('no secret given: no X-Callback-Secret header', async ({ miner, receiver, imageB64 }) => {
  await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'cb-nosecret', callback_url: receiver.track('cb-nosecret') });
  const receipt = await receiver.waitFor('cb-nosecret', { timeoutMs: 5_000 });
  expect(receipt.headers['x-callback-secret']).toBeUndefined();
});

test('a receiver answering 500 is recorded as error with its code', async ({ miner, receiver, imageB64 }) => {
  receiver.respondWith('cb-500', 500);
  await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'cb-500', callback_url: receiver.track('cb-500') });
  expect(await miner.waitFor('cb-500', (r) => r.callback ?? undefined, 'a recorded delivery')).toMatchObject({
    status: 'error',
    status_code: 500,
  });
});

test('a receiver that hangs up, or answers after CALLBACK_TIMEOUT, is recorded as failed with the reason', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const miner = await startMiner({ callbackTimeoutSeconds: 0.3 });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  receiver.respondWith('cb-hangup', { hangUp: true });
  receiver.respondWith('cb-slow', { beforeAnswer: () => held });
  try {
    await Promise.all([
      miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'cb-hangup', callback_url: receiver.track('cb-hangup') }),
      miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'cb-slow', callback_url: receiver.track('cb-slow') }),
    ]);
    expect(await miner.waitFor('cb-hangup', (r) => r.callback ?? undefined, 'a recorded delivery')).toMatchObject({
      status: 'failed',
      error: expect.any(String),
    });
    expect(await miner.waitFor('cb-slow', (r) => r.callback ?? undefined, 'a recorded delivery')).toMatchObject({
      status: 'failed',
      error: 'no answer within 0.3 s',
    });
  } finally {
    release();
  }
});

test('past expiry nothing is sent and the record says expired; a zone-less expiry is read as UTC', async ({
  miner,
  receiver,
  imageB64,
}) => {
  const past = new Date(Date.now() - 60_000).toISOString();
  const futureWithoutZone = new Date(Date.now() + 3_600_000).toISOString().replace('Z', '');
  await Promise.all([
    miner.run({
      prompt: 'x',
      seed: 1,
      image_b64: imageB64,
      job_id: 'cb-expired',
      callback_url: receiver.track('cb-expired'),
      expiry: past,
    }),
    miner.run({
      prompt: 'x',
      seed: 1,
      image_b64: imageB64,
      job_id: 'cb-future',
      callback_url: receiver.track('cb-future'),
      expiry: futureWithoutZone,
    }),
  ]);
  expect(await miner.waitFor('cb-expired', (r) => r.callback ?? undefined, 'a recorded outcome')).toMatchObject({
    status: 'expired',
    payload_status: 'completed',
  });
  expect(await miner.waitFor('cb-future', (r) => r.callback ?? undefined, 'a recorded outcome')).toMatchObject({ status: 'delivered' });
  expect(receiver.receivedNow('cb-expired')).toEqual([]);
});

test('callback-error-on-success: a completed callback, image and all, also carries a non-empty error field', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const miner = await startMiner({ faults: ['callback-error-on-success'] });
  const { png } = await miner.run({
    prompt: 'x',
    seed: 1,
    image_b64: imageB64,
    job_id: 'cb-warning',
    callback_url: receiver.track('cb-warning'),
  });
  const receipt = await receiver.waitFor('cb-warning', { timeoutMs: 5_000 });
  expect(receipt).toMatchObject({ encoding: 'multipart', problem: undefined });
  expect(receipt.fields).toMatchObject({ status: 'completed', error: 'warning: safety checker disabled' });
  expect(receipt.image!.equals(png!)).toBe(true);
});
