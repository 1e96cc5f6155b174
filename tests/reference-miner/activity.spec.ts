import { ActivityReportSchema, busyMs } from '../../reference-miner/activity-log.ts';
import { expect, test } from '../support/reference-miner-fixtures.ts';

// GET /reference/activity: per worker, when each job's processing started and ended, and the busy time.

test('two workers, three jobs: each job is queued, started and ended in order, on worker 0 or 1, for at least the edit latency', async ({
  startMiner,
  imageB64,
}) => {
  const miner = await startMiner({ inferenceWorkers: 2, editLatencyMs: 300 });
  const ids = ['act-a', 'act-b', 'act-c'];
  await Promise.all(ids.map((job_id) => miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, job_id })));
  const report = ActivityReportSchema.parse((await miner.get('/reference/activity')).json);
  expect(report).toMatchObject({ workers: 2, edit_latency_ms: 300, step_latency_ms: 0 });
  expect(report.jobs.map((j) => j.id).sort()).toEqual(ids);
  for (const job of report.jobs) {
    expect(job.steps, job.id).toBe(28);
    expect([0, 1], job.id).toContain(job.worker);
    expect(job.started_ms!, job.id).toBeGreaterThanOrEqual(job.queued_ms);
    expect(job.ended_ms! - job.started_ms!, job.id).toBeGreaterThanOrEqual(300);
  }
  const [first, second, third] = [...report.jobs].sort((a, b) => a.started_ms! - b.started_ms!);
  expect(first!.worker).not.toBe(second!.worker);
  expect(third!.started_ms!, 'the third job waits for a free worker').toBeGreaterThanOrEqual(Math.min(first!.ended_ms!, second!.ended_ms!));
  expect(report.busy_ms).toBe(busyMs(report.jobs, Date.now()));
  expect(report.busy_ms).toBeGreaterThanOrEqual(900);
});

test('one worker: busy time is the sum of the times each job held it, and idle time between jobs is not counted', async ({
  startMiner,
  imageB64,
}) => {
  const miner = await startMiner({ editLatencyMs: 100 });
  await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64 });
  await miner.run({ prompt: 'x', seed: 2, image_b64: imageB64 });
  const { jobs, busy_ms } = ActivityReportSchema.parse((await miner.get('/reference/activity')).json);
  expect(jobs.map((j) => j.worker)).toEqual([0, 0]);
  expect(busy_ms).toBe(jobs.reduce((sum, j) => sum + j.released_ms! - j.started_ms!, 0));
  for (const job of jobs) expect(job.released_ms!, 'released once its record ended, after its edit').toBeGreaterThanOrEqual(job.ended_ms!);
});

test('an edit takes the fixed latency plus the per-step latency times its steps: 40 steps take several times as long as 2', async ({
  startMiner,
  imageB64,
}) => {
  const [fixedMs, perStepMs] = [60, 30];
  const miner = await startMiner({ editLatencyMs: fixedMs, stepLatencyMs: perStepMs });
  expect((await miner.get('/health')).json.config).toMatchObject({ edit_latency_ms: fixedMs, step_latency_ms: perStepMs });
  for (const steps of [2, 40]) await miner.run({ prompt: 'x', seed: 1, image_b64: imageB64, num_inference_steps: steps });
  const report = ActivityReportSchema.parse((await miner.get('/reference/activity')).json);
  expect(report).toMatchObject({ edit_latency_ms: fixedMs, step_latency_ms: perStepMs });
  const [few, many] = report.jobs.map((job) => ({ steps: job.steps, editMs: job.ended_ms! - job.started_ms! }));
  expect(few!.steps).toBe(2);
  expect(many!.steps).toBe(40);
  for (const job of [few!, many!]) expect(job.editMs, `${job.steps} steps`).toBeGreaterThanOrEqual(fixedMs + job.steps * perStepMs);
  // The 38 steps more are 1,140 ms more of simulated GPU; the CPU part of both edits is alike but noisy on a
  // loaded machine, so the difference is held to half of that.
  expect(many!.editMs - few!.editMs, `${many!.editMs} ms for 40 steps against ${few!.editMs} ms for 2`).toBeGreaterThan(
    (38 * perStepMs) / 2,
  );
});

test('busy time is the union per worker: overlaps count once, an unreleased job counts up to now, queued jobs not at all', () => {
  const job = (worker: number | null, started_ms: number | null, released_ms: number | null) => ({
    id: 'j',
    worker,
    steps: 28,
    queued_ms: 0,
    started_ms,
    ended_ms: released_ms,
    released_ms,
  });
  expect(busyMs([job(0, 0, 100), job(0, 50, 150), job(0, 200, 250), job(1, 0, 100), job(null, null, null), job(1, 900, null)], 1000)).toBe(
    150 + 50 + 100 + 100,
  );
});
