import { expect, plannedEdits, test, validatorRequest, validatorSecret, validatorSeed } from '../fixtures/index.ts';

// The validator's whole path: a signed request through the proxy, a 202 counted as accepted, and a verdict
// from the callback alone (status and result are not reachable through the proxy), replayed byte for byte.

// Seconds the proxy may take beyond its own wait before the 202: the network and the proxy's own work.
const ANSWER_MARGIN_SECONDS = 2;

test(
  'a signed validator job through the proxy calls back once, in budget, and replays byte for byte',
  { tag: '@proxy-validator-replay', annotation: plannedEdits(10, 10) },
  async ({ validatorPath, callbacks, sample, settings }) => {
    test.skip(callbacks.kind === 'external', 'the replay hashes the callback images, which an external receiver does not hand over');
    const input = validatorPath.sendsImageUrl ? 'image_url' : 'image_b64';
    const payload = { prompt: 'Make the sky a warm sunset orange', seed: validatorSeed(), input: sample, secret: validatorSecret() };
    test.info().annotations.push({ type: 'validator request', description: `seed ${payload.seed}, ${input}` });

    const job = await validatorPath.dispatch(validatorRequest(payload, { callbacks, input }), callbacks, 'validator job');
    const callbacksOfJob = callbacks.receivedWithin(job.jobId, Math.min(2_000, callbacks.timeoutMs));
    const replay = await validatorPath.dispatch(validatorRequest(payload, { callbacks, input }), callbacks, 'validator replay');

    expect.soft(await callbacksOfJob, `callbacks for job ${job.jobId}`).toHaveLength(1);
    for (const dispatch of [job, replay])
      // eslint-disable-next-line @typescript-eslint/require-await -- a step groups soft checks; it awaits nothing
      await test.step(`${dispatch.label} (job ${dispatch.jobId})`, async () => {
        const { receipt } = dispatch;
        expect
          .soft(
            dispatch.answerSeconds,
            `seconds until the proxy answered POST /edit, against its ${validatorPath.waitSeconds} s wait before the 202 (ASYNC_PROXY_WAIT_SECONDS) plus ${ANSWER_MARGIN_SECONDS} s: a proxy must answer 202 once its wait ends, not hold the validator until the miner answers`,
          )
          .toBeLessThanOrEqual(validatorPath.waitSeconds + ANSWER_MARGIN_SECONDS);
        expect.soft(receipt.fields.job_id, 'job_id in the callback').toBe(dispatch.jobId);
        expect.soft(receipt.fields.status, 'status in the callback').toBe('completed');
        expect.soft(receipt.secret, 'X-Callback-Secret: the exact 64-hex secret').toBe(payload.secret);
        expect.soft(receipt.problem, 'callback against the protocol').toBeUndefined();
        expect.soft(receipt.imageContentType, 'content type of the callback image part').toBe('image/png');
        expect
          .soft(
            dispatch.latencyMs / 1000,
            `seconds from dispatch to callback${dispatch.queuedMs ? ` (less ${dispatch.queuedMs} ms queued behind other jobs)` : ''}, against the validators' budget (ASYNC_VALIDATOR_BUDGET_SECONDS)`,
          )
          .toBeLessThanOrEqual(settings.ASYNC_VALIDATOR_BUDGET_SECONDS);
      });
    await expect(replay).toBeSameImageAs(job);
  },
);
