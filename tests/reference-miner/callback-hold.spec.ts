import { ActivityReportSchema, type JobActivity } from '../../reference-miner/activity-log.ts';
import { waitUntil } from '../../lib/wait-until.ts';
import { startTestMiner } from '../support/with-reference-miner.ts';
import { expect, MinerUnderTest, test } from '../support/reference-miner-fixtures.ts';

// MINER_CALLBACK_HOLD_SECONDS: the orchestrator fails a callback sooner than 8 s after the job's creation, so a
// completed job's callback waits until the hold has passed since its POST, in a task of its own.

async function activityOf(miner: MinerUnderTest, id: string): Promise<JobActivity> {
  const { jobs } = ActivityReportSchema.parse((await miner.get('/reference/activity')).json);
  return jobs.find((job) => job.id === id)!;
}

test('a completed callback arrives no sooner than the hold after its POST, though the record completed and the worker was free long before', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const miner = await startMiner({ callbackHoldSeconds: 1 });
  expect((await miner.get('/health')).json.config).toMatchObject({ callback_hold_seconds: 1 });
  const postedMs = Date.now();
  const { record } = await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'held', callback_url: receiver.track('held') });
  expect(record.status).toBe('completed');
  expect(record.callback, 'no callback recorded while it is held').toBeUndefined();
  const receipt = await receiver.waitFor('held', { timeoutMs: 5_000 });
  expect(receipt.fields.status).toBe('completed');
  expect(receipt.receivedAtMs - postedMs).toBeGreaterThanOrEqual(1_000);
  expect(await miner.waitFor('held', (r) => r.callback ?? undefined, 'a recorded delivery')).toMatchObject({ status: 'delivered' });
  const activity = await activityOf(miner, 'held');
  expect(activity.released_ms!, 'the worker was free before the callback went out').toBeLessThan(activity.called_back_ms!);
  expect(activity.called_back_ms! - activity.released_ms!).toBeGreaterThan(500);
});

test('with one worker, two jobs sent together both complete well before the hold ends: the worker takes the next job at once', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const [holdMs, editMs] = [1_500, 100];
  const miner = await startMiner({ callbackHoldSeconds: holdMs / 1000, editLatencyMs: editMs });
  const ids = ['together-a', 'together-b'];
  const postedMs = Date.now();
  await Promise.all(
    ids.map(async (job_id) =>
      expect((await miner.edit({ prompt: 'x', seed: 1, image_b64: imageB64, job_id, callback_url: receiver.track(job_id) })).status).toBe(
        200,
      ),
    ),
  );
  await waitUntil(
    async () => ((await Promise.all(ids.map((id) => miner.record(id)))).every((r) => r.status === 'completed') ? true : undefined),
    {
      timeoutMs: holdMs,
      describe: () => 'both jobs did not complete before the first hold ended',
    },
  );
  expect(receiver.receivedNow(), 'no callback before its hold ended').toEqual([]);
  const receipts = await Promise.all(ids.map((id) => receiver.waitFor(id, { timeoutMs: 5_000 })));
  for (const receipt of receipts) expect(receipt.receivedAtMs - postedMs).toBeGreaterThanOrEqual(holdMs);
  const [earlier, later] = (await Promise.all(ids.map((id) => activityOf(miner, id)))).sort((x, y) => x.started_ms! - y.started_ms!);
  expect(later!.started_ms!, 'the second edit started before the first callback went out').toBeLessThan(earlier!.called_back_ms!);
});

test('a failed job calls back at once, without the hold', async ({ startMiner, receiver, imageB64 }) => {
  const miner = await startMiner({ callbackHoldSeconds: 30 });
  const truncated = Buffer.from(imageB64, 'base64').subarray(0, 200).toString('base64');
  const { record } = await miner.run({
    prompt: 'x',
    seed: 1,
    image_b64: truncated,
    job_id: 'failed-now',
    callback_url: receiver.track('failed-now'),
  });
  expect(record.status).toBe('failed');
  const receipt = await receiver.waitFor('failed-now', { timeoutMs: 5_000 });
  expect(receipt.fields).toMatchObject({ status: 'failed' });
});

test('an expiry that passes during the hold: nothing is sent and the record says expired', async ({ startMiner, receiver, imageB64 }) => {
  const miner = await startMiner({ callbackHoldSeconds: 1 });
  const expiry = new Date(Date.now() + 300).toISOString();
  const { record } = await miner.run({
    prompt: 'x',
    seed: 1,
    image_b64: imageB64,
    job_id: 'expires-held',
    callback_url: receiver.track('expires-held'),
    expiry,
  });
  expect(record.status, 'the edit ended before the expiry').toBe('completed');
  expect(await miner.waitFor('expires-held', (r) => r.callback ?? undefined, 'a recorded outcome')).toMatchObject({
    status: 'expired',
    payload_status: 'completed',
  });
  expect(receiver.receivedNow('expires-held')).toEqual([]);
});

test('closing the miner during a hold sends nothing and leaves no timer behind', async ({ receiver, imageB64 }) => {
  const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
  const running = await startTestMiner({ callbackHoldSeconds: 30 });
  const miner = new MinerUnderTest(running.url);
  const before = timers();
  try {
    await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'closed-held', callback_url: receiver.track('closed-held') });
    expect(timers(), 'the hold waits on a timer').toBeGreaterThan(before);
  } finally {
    await running.close();
  }
  await waitUntil(() => (timers() <= before ? true : undefined), {
    timeoutMs: 2_000,
    describe: () => `${timers()} timers are left after closing, ${before} before the job`,
  });
  expect(receiver.receivedNow('closed-held')).toEqual([]);
});

test('callback-hold-blocks-worker: the worker sleeps the hold itself, so the second of two jobs calls back after two holds', async ({
  startMiner,
  receiver,
  imageB64,
}) => {
  const holdMs = 1_000;
  const miner = await startMiner({ callbackHoldSeconds: holdMs / 1000, editLatencyMs: 50, faults: ['callback-hold-blocks-worker'] });
  const ids = ['naive-a', 'naive-b'];
  const postedMs = Date.now();
  for (const job_id of ids)
    expect((await miner.edit({ prompt: 'x', seed: 1, image_b64: imageB64, job_id, callback_url: receiver.track(job_id) })).status).toBe(
      200,
    );
  const second = await receiver.waitFor('naive-b', { timeoutMs: 10_000 });
  expect(second.receivedAtMs - postedMs).toBeGreaterThanOrEqual(2 * holdMs);
  const [a, b] = await Promise.all(ids.map((id) => activityOf(miner, id)));
  expect(b!.started_ms!, 'the second edit waited for the first callback').toBeGreaterThanOrEqual(a!.called_back_ms!);
  expect(a!.released_ms!).toBeGreaterThanOrEqual(a!.called_back_ms!);
});
