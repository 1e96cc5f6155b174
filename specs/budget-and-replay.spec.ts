import { dispatchAsValidator, expect, plannedEdits, test, validatorRequest, validatorSecret, validatorSeed } from '../fixtures/index.ts';

// Validators send one shape of request, replay it on a trusted miner and compare the SHA-256 of the two
// PNG files; a changed job_id, a wrong secret, a missing image or a late callback fails the job.

test(
  'a validator-shaped job calls back once, in budget, and replays byte for byte',
  { tag: ['@validator-replay', '@smoke'], annotation: plannedEdits(10, 10) },
  async ({ miner, callbacks, revision, sample, settings }) => {
    const payload = { prompt: 'Make the sky a warm sunset orange', seed: validatorSeed(), input: sample, secret: validatorSecret() };
    test.info().annotations.push({
      type: 'validator request',
      description: `seed ${payload.seed}, ${revision.imageUrl ? 'image_url' : 'image_b64'}`,
    });
    const job = await dispatchAsValidator(miner, callbacks, validatorRequest(payload, callbacks, revision.imageUrl), 'validator job');
    // The replay follows the job, as a validator's does; meanwhile a second callback of the job would show.
    const callbacksOfJob = callbacks.receivedWithin(job.outcome.jobId, Math.min(2_000, callbacks.timeoutMs));
    const replay = await dispatchAsValidator(miner, callbacks, validatorRequest(payload, callbacks, revision.imageUrl), 'validator replay');

    expect.soft(await callbacksOfJob, `callbacks for job ${job.outcome.jobId}`).toHaveLength(1);
    for (const { outcome, receipt, queuedMs, latencyMs } of [job, replay]) {
      const jobId = outcome.jobId;

      // eslint-disable-next-line @typescript-eslint/require-await -- a step groups soft checks; it awaits nothing
      await test.step(`${outcome.label} (job ${jobId})`, async () => {
        expect.soft(outcome.record.id, 'job_id on the status record').toBe(jobId);
        expect.soft(receipt.fields.job_id, 'job_id in the callback').toBe(jobId);
        expect.soft(receipt.secret, 'X-Callback-Secret: the exact 64-hex secret').toBe(payload.secret);
        expect.soft(receipt.problem, 'callback against the protocol').toBeUndefined();
        expect.soft(receipt).toCarryResultImage(outcome);
        expect
          .soft(
            latencyMs / 1000,
            `seconds from dispatch to callback (less ${queuedMs} ms queued behind other jobs), against the validators' budget`,
          )
          .toBeLessThanOrEqual(settings.ASYNC_VALIDATOR_BUDGET_SECONDS);
      });
    }
    await expect(replay.outcome).toBeSameImageAs(job.outcome);
  },
);
