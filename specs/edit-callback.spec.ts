import { expect, test } from '../fixtures/index.ts';

// When a job ends the miner POSTs its outcome once to callback_url, with X-Callback-Secret; validators
// refuse a wrong secret, a foreign job_id or an empty image, and hash the image bytes.

test(
  'a completed job calls back once, already completed, with its job_id, the secret and the exact result bytes',
  { tag: '@callback-completed' },
  async ({ miner, callbacks, settings }) => {
    const request = miner.requestBody({ seed: 31 });
    const callback = callbacks.listenFor(request.job_id, { onArrival: () => miner.status(request.job_id) });
    const outcome = await miner.edit(request, 'result');
    const { receipt, atArrival } = await callback.arrived();

    expect(atArrival.status, 'job status at the moment its callback arrived').toBe('completed');
    expect(receipt.secret, 'X-Callback-Secret header').toBe(settings.ASYNC_CALLBACK_SECRET);
    expect(receipt.fields, 'callback form fields').toMatchObject({ job_id: outcome.jobId, status: 'completed' });
    expect(receipt.problem, 'callback against the protocol').toBeUndefined();
    expect(receipt).toCarryResultImage(outcome);
    expect(await callbacks.received(outcome.jobId), 'callbacks received for this job').toHaveLength(1);

    const delivery = await miner.waitForDelivery(outcome.jobId, callbacks.timeoutMs);
    expect(delivery, 'the callback delivery on the job record').toMatchObject({
      status: 'delivered',
      status_code: 200,
      payload_status: 'completed',
    });
  },
);

test(
  'a job that fails calls back status=failed with its error and no image',
  { tag: '@callback-failed' },
  async ({ miner, callbacks, sample, settings }) => {
    const truncated = sample.bytes.subarray(0, Math.floor(sample.bytes.length * 0.6));
    const request = miner.requestBody({ seed: 32, image_b64: truncated.toString('base64') });
    const callback = callbacks.listenFor(request.job_id);
    const answer = await miner.post(request);
    test.skip(answer.status === 400, 'the miner refuses a truncated PNG at submission (allowed), so no job fails after acceptance');
    expect(answer.status, 'POST /edit of a truncated PNG').toBe(200);

    const record = await miner.waitForEnd(request.job_id, undefined, true);
    expect(record.status, 'status of a job whose image cannot be decoded').toBe('failed');
    expect(record.error, 'error on the failed record').toBeTruthy();
    const { receipt } = await callback.arrived();
    expect(receipt.fields, 'failure callback fields').toMatchObject({ job_id: request.job_id, status: 'failed' });
    expect(receipt.fields.error, 'failure callback error').toBeTruthy();
    expect(receipt.imageSize ?? 0, 'image part of a failure callback').toBe(0);
    expect(receipt.secret, 'X-Callback-Secret header').toBe(settings.ASYNC_CALLBACK_SECRET);
  },
);

test(
  'past its expiry a finished job sends no callback and records "expired"',
  { tag: '@callback-expiry' },
  async ({ miner, callbacks }) => {
    const expiry = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    const outcome = await miner.edit({ seed: 33, expiry }, 'result of an expired job');
    const delivery = await miner.waitForDelivery(outcome.jobId, callbacks.timeoutMs);
    expect(delivery.status, 'callback status on the record of an expired job').toBe('expired');
    expect(await callbacks.received(outcome.jobId), 'callbacks received for an expired job').toEqual([]);
  },
);
