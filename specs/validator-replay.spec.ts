import { expect, parseIsoTimestamp, test, validatorRequest, validatorSecret, validatorSeed } from '../fixtures/index.ts';

// Validators send one shape of request, replay it on a trusted miner and compare the SHA-256 of the two
// PNG files; a changed job_id, a wrong secret, a missing image or a late callback fails the job.

test(
  'a validator-shaped request keeps its job_id, calls back once with the exact secret and PNG, within the budget, and replays byte for byte',
  { tag: '@validator-replay' },
  async ({ miner, callbacks, protocol, sample, settings }) => {
    const secret = validatorSecret();
    const seed = validatorSeed();
    test
      .info()
      .annotations.push({ type: 'validator request', description: `seed ${seed}, ${protocol.imageUrl ? 'image_url' : 'image_b64'}` });
    const payload = { prompt: 'Make the sky a warm sunset orange', seed, input: sample, secret };
    const first = { label: 'validator job', request: validatorRequest(payload, callbacks, protocol.imageUrl) };
    const replay = { label: 'validator replay', request: validatorRequest(payload, callbacks, protocol.imageUrl) };
    const dispatch = async ({ label, request }: typeof first) => {
      const callback = callbacks.listenFor(request.job_id);
      const dispatchedMs = performance.timeOrigin + performance.now();
      const outcome = await miner.edit(request, label);
      const { receipt } = await callback.arrived();
      // Time queued behind the suite's own jobs is not the miner's: a validator's job meets an idle queue.
      const { queued_at, started_at } = outcome.record;
      const queuedMs = started_at ? Math.max(0, parseIsoTimestamp(started_at) - parseIsoTimestamp(queued_at)) : 0;
      return { outcome, receipt, queuedMs, dispatchToCallbackMs: receipt.receivedAtMs - dispatchedMs - queuedMs };
    };
    // The replay follows the job, as a validator's does; meanwhile a second callback of the job would show.
    const job = await dispatch(first);
    const secondCallbackWindow = callbacks.allWithin(job.outcome.jobId, Math.min(2_000, callbacks.timeoutMs));
    const runs = [job, await dispatch(replay)];
    const jobCallbacks = await secondCallbackWindow;

    expect.soft(jobCallbacks, `callbacks for job ${job.outcome.jobId}`).toHaveLength(1);
    for (const { outcome, receipt, queuedMs, dispatchToCallbackMs } of runs) {
      const jobId = outcome.request.job_id!;

      // eslint-disable-next-line @typescript-eslint/require-await -- a step groups soft checks; it awaits nothing
      await test.step(`${outcome.label} (job ${jobId})`, async () => {
        expect.soft(outcome.record.id, 'job_id on the status record').toBe(jobId);
        expect.soft(receipt.fields.job_id, 'job_id in the callback').toBe(jobId);
        expect.soft(receipt.secret, 'X-Callback-Secret: the exact 64-hex secret').toBe(secret);
        expect.soft(receipt.problem, 'callback against the protocol').toBeUndefined();
        expect.soft(receipt).toCarryResultImage(outcome);
        expect
          .soft(
            dispatchToCallbackMs / 1000,
            `seconds from dispatch to callback (less ${queuedMs} ms queued behind other jobs), against the validators' budget`,
          )
          .toBeLessThanOrEqual(settings.ASYNC_VALIDATOR_BUDGET_SECONDS);
      });
    }
    await expect(runs[1]!.outcome).toBeSameImageAs(runs[0]!.outcome);
  },
);
