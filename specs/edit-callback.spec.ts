import { BASE_EDIT, expect, hoursFromNow, plannedEdits, test } from '../fixtures/index.ts';

// When a job ends the miner POSTs its outcome once to callback_url, with X-Callback-Secret; validators
// refuse a wrong secret, a foreign job_id or an empty image, and hash the image bytes.

test(
  'a completed job calls back once, already completed, with the secret and the exact result bytes',
  { tag: ['@callback-completed', '@smoke'], annotation: plannedEdits(10) },
  async ({ miner, callbacks }) => {
    const request = miner.requestBody({ seed: 31 });
    const recordAtArrival = callbacks.atArrival(request.job_id, () => miner.status(request.job_id));
    const outcome = await miner.edit(request, { label: 'result' });
    const receipt = await callbacks.waitFor(outcome.jobId);

    expect((await recordAtArrival).status, 'job status at the moment its callback arrived').toBe('completed');
    expect(receipt.secret, 'X-Callback-Secret header').toBe(request.callback_secret);
    expect(receipt.fields, 'callback form fields').toMatchObject({ job_id: outcome.jobId, status: 'completed' });
    expect(receipt.problem, 'callback against the protocol').toBeUndefined();
    expect(receipt).toCarryResultImage(outcome);
    expect([receipt], 'the form fields and file part of the callback').toKeepCallbackParts(miner.results);
    // A second POST of the same outcome is judged again by validators: it must not come.
    expect(await callbacks.receivedWithin(outcome.jobId, 2_000), 'callbacks received for this job within 2 s of the first').toHaveLength(1);

    const delivery = await miner.waitForDelivery(outcome.jobId);
    expect(delivery, 'the callback delivery on the job record').toMatchObject({
      status: 'delivered',
      status_code: 200,
      payload_status: 'completed',
    });
  },
);

test(
  'a job that fails calls back status=failed with its error and no image',
  { tag: '@callback-failed', annotation: plannedEdits(10) },
  async ({ miner, callbacks, sample, settings }) => {
    const truncated = sample.bytes.subarray(0, Math.floor(sample.bytes.length * 0.6));
    const request = miner.requestBody({ seed: 32, image_b64: truncated.toString('base64') });
    const answer = await miner.post(request);
    test.skip(answer.status === 400, 'the miner refuses a truncated PNG at submission (allowed), so no job fails after acceptance');
    expect(answer.status, 'POST /edit of a truncated PNG').toBe(200);

    const record = await miner.waitForEnd(request.job_id);
    expect(record.status, 'status of a job whose image cannot be decoded').toBe('failed');
    expect(record.error, 'error on the failed record').toBeTruthy();
    const receipt = await callbacks.waitFor(request.job_id);
    expect(receipt.fields, 'failure callback fields').toMatchObject({ job_id: request.job_id, status: 'failed' });
    expect(receipt.fields.error, 'failure callback error').toBeTruthy();
    expect(receipt.imageSize ?? 0, 'image part of a failure callback').toBe(0);
    expect(receipt.secret, 'X-Callback-Secret header').toBe(settings.ASYNC_CALLBACK_SECRET);
  },
);

test(
  'past its expiry a finished job sends no callback and records "expired"',
  { tag: '@callback-expiry', annotation: plannedEdits(10) },
  async ({ miner, callbacks }) => {
    const expiry = hoursFromNow(-1);
    const outcome = await miner.edit({ seed: 33, expiry }, { label: 'result of an expired job' });
    const delivery = await miner.waitForDelivery(outcome.jobId);
    expect(delivery.status, 'callback status on the record of an expired job').toBe('expired');
    expect(await callbacks.received(outcome.jobId), 'callbacks received for an expired job').toEqual([]);
  },
);

test(
  'a receiver that answers 500 is recorded as a callback "error" with its status code',
  { tag: '@callback-answer-recorded', annotation: plannedEdits(10) },
  async ({ miner, callbacks }) => {
    test.skip(!callbacks.respondWith, 'with ASYNC_USE_EXTERNAL_CALLBACK=true the suite cannot choose what the receiver answers');
    const request = miner.requestBody({ seed: 36 });
    callbacks.respondWith!(request.job_id, 500);
    const outcome = await miner.edit(request, { label: 'result whose callback is refused' });
    const delivery = await miner.waitForDelivery(outcome.jobId);
    expect(delivery, 'the callback delivery on the job record').toMatchObject({ status: 'error', status_code: 500 });
  },
);

// expiry is an instant: an offset such as -05:00 counts, whatever the miner's own zone.
test(
  'expiry is an instant: one an hour ahead, written at -05:00, gets its callback',
  { tag: '@expiry-is-an-instant', annotation: plannedEdits(10) },
  async ({ miner }) => {
    // Read without its offset, this expiry would have passed four hours ago: one job shows the zone is honoured.
    const future = await miner.edit({ seed: 37, expiry: hoursFromNow(+1, { zone: -5 }) }, { label: 'expiry in an hour, at -05:00' });
    const delivery = await miner.waitForDelivery(future.jobId);
    expect(delivery.status, `callback of the job whose expiry is ${future.request.expiry}`).toBe('delivered');
  },
);

test(
  'jobs run side by side each call back with fields job_id, status, completed_at, image_url and their own PNG as image, <job_id>.png, image/png',
  { tag: ['@callback-parts', '@slow'], annotation: plannedEdits(10, 10, BASE_EDIT) },
  async ({ miner, callbacks }) => {
    test.skip(callbacks.kind === 'external', "an external receiver's listing carries no file parts to read");
    // Two jobs overlap on purpose; the base edit, when global setup started it, called back to setup's own receiver.
    const [first, second, base] = await Promise.all([
      miner.edit({ seed: 34 }, { label: 'side by side 1' }),
      miner.edit({ seed: 35 }, { label: 'side by side 2' }),
      miner.sharedEdit(BASE_EDIT),
    ]);
    const receipts = await Promise.all([first, second].map((outcome) => callbacks.waitFor(outcome.jobId)));
    const keptAtSetup = await miner.callbacksKeptAtSetup(base.jobId);
    expect([...receipts, ...keptAtSetup], 'the callbacks of two jobs run side by side, and of the base edit').toKeepCallbackParts(
      miner.results,
    );
  },
);
