import type { JSONReport, JSONReportSuite } from '@playwright/test/reporter';
import { parseIsoTimestamp, type JobRecord } from '../protocol/edit-job.ts';
import { busyMs, type ActivityReport } from '../reference-miner/activity-log.ts';
import { MINER_REQUESTS, parseCost, SPENT_EDITS } from '../lib/report-annotations.ts';
import type { TestOutcome } from './outcome-reporter.ts';

/** Test outcomes, HTTP calls to the miner, and the edits and steps the suite itself counted as spent. */
export type TestCounts = { passed: number; failed: number; skipped: number; minerRequests: number; spentEdits: number; spentSteps: number };

/** Test outcomes and the HTTP calls to the miner that each test annotated, from the bench's outcome reporter. */
export function countTests(outcomes: TestOutcome[]): TestCounts {
  const tests: TestCounts = { passed: 0, failed: 0, skipped: 0, minerRequests: 0, spentEdits: 0, spentSteps: 0 };
  for (const test of outcomes) {
    if (test.outcome === 'skipped') tests.skipped++;
    else if (test.outcome === 'expected') tests.passed++;
    else tests.failed++;
    for (const annotation of test.annotations) {
      if (annotation.type === MINER_REQUESTS) tests.minerRequests += Number(annotation.description);
      if (annotation.type === SPENT_EDITS) {
        const cost = parseCost(annotation.description);
        const steps = [...cost.own, ...cost.shared.values()];
        tests.spentEdits += steps.length;
        tests.spentSteps += steps.reduce((sum, n) => sum + n, 0);
      }
    }
  }
  return tests;
}

/** Tests in a `--list` report: what a tier plans to run. */
export function countListed(report: JSONReport): number {
  const visit = (suite: JSONReportSuite): number =>
    suite.specs.reduce((sum, spec) => sum + spec.tests.length, 0) + (suite.suites ?? []).reduce((sum, child) => sum + visit(child), 0);
  return report.suites.reduce((sum, suite) => sum + visit(suite), 0);
}

/**
 * What the miner's own records say a run cost: steps asked for, and its edit time per step
 * (`started_at` → `completed_at` of completed jobs), with a least-squares split into a fixed part and a per-step part.
 */
export function stepCost(records: JobRecord[]) {
  const steps = records.reduce((sum, record) => sum + record.request.num_inference_steps, 0);
  const timed = records.flatMap((record) =>
    record.status === 'completed' && record.started_at && record.completed_at
      ? [{ steps: record.request.num_inference_steps, ms: parseIsoTimestamp(record.completed_at) - parseIsoTimestamp(record.started_at) }]
      : [],
  );
  const timedSteps = timed.reduce((sum, job) => sum + job.steps, 0);
  const editMs = timed.reduce((sum, job) => sum + job.ms, 0);
  return {
    steps,
    /** Steps per edit as asked: how many jobs ran at each count. */
    jobsBySteps: Object.fromEntries(
      [...new Set(records.map((r) => r.request.num_inference_steps))]
        .sort((a, b) => a - b)
        .map((n) => [n, records.filter((r) => r.request.num_inference_steps === n).length]),
    ),
    /** Completed jobs' started_at → completed_at, summed: the miner's own account of its edit time. */
    recordedEditMs: editMs,
    secondsPerStep: timedSteps > 0 ? round(editMs / 1000 / timedSteps, 4) : null,
    editTimeFit: fitLine(timed.map((job) => [job.steps, job.ms])),
  };
}

/** Edit time ≈ fixedMs + perStepMs × steps over the jobs; null when every job ran the same number of steps. */
function fitLine(points: [number, number][]): { fixedMs: number; perStepMs: number } | null {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  if (n < 2 || sxx === 0) return null;
  const perStepMs = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0) / sxx;
  return { fixedMs: round(meanY - perStepMs * meanX, 1), perStepMs: round(perStepMs, 2) };
}

/**
 * Busy time against wall time, and where the miner idled: before the first job, between jobs, after the last.
 * Only work inside the wall counts: a job still queued or running when the suite exits counts up to the
 * exit, not after it, and is named in `unfinishedAtExit`.
 */
export function busyAndIdle(
  activity: ActivityReport,
  startedMs: number,
  endedMs: number,
  minerRequests: number,
  firstTestStartedMs: number | undefined,
) {
  const { jobs, workers } = activity;
  const wallMs = endedMs - startedMs;
  // A worker is busy from taking a job until it is free for the next: the edit, then the callback it sends first.
  const ran = jobs.flatMap((job) =>
    job.worker !== null && job.started_ms !== null && job.started_ms < endedMs
      ? [
          {
            worker: job.worker,
            started_ms: job.started_ms,
            edited_ms: Math.min(job.ended_ms ?? endedMs, endedMs),
            released_ms: Math.min(job.released_ms ?? endedMs, endedMs),
          },
        ]
      : [],
  );
  const busy = busyMs(ran, endedMs);
  const editing = busyMs(
    ran.map((job) => ({ ...job, released_ms: job.edited_ms })),
    endedMs,
  );
  const intervalsOf = (worker: number) => ran.filter((job) => job.worker === worker).sort((a, b) => a.started_ms - b.started_ms);
  const workerIds = [...Array(workers).keys()];
  const capacityMs = wallMs * workers;
  return {
    busyMs: busy,
    /** Of the busy time, the edits alone (started → ended); the rest is the callbacks each worker sent before its next job. */
    editingMs: editing,
    wallMs,
    /** Wall time × miner workers over busy time: 1 when the miner never idles. */
    wallOverBusy: busy > 0 ? round(capacityMs / busy) : null,
    busyShare: round(busy / capacityMs),
    perWorkerBusyMs: workerIds.map((worker) => busyMs(intervalsOf(worker), endedMs)),
    /** Jobs still queued or running when the suite exited: their time after the exit is not busy time. */
    unfinishedAtExit: jobs.filter((job) => job.released_ms === null || job.released_ms > endedMs).length,
    idle: whereIdleWent(workerIds.map(intervalsOf), startedMs, endedMs, firstTestStartedMs ?? endedMs),
    overheadPerJobMs: round((capacityMs - busy) / Math.max(1, jobs.length)),
    minerRequestsPerJob: round(minerRequests / Math.max(1, jobs.length)),
  };
}

type Occupied = { started_ms: number; released_ms: number };

/**
 * Where the miner's idle went, in worker-ms that add up to wall × workers − busy: per worker, before its first job,
 * between its jobs, after its last (a worker that ran nothing idled the whole wall, counted before). And the wall
 * time between the first job and the last when no worker was occupied at all, the suite having nothing queued:
 * before the first test began (global setup waiting out its first callback's hold, then Playwright starting its
 * workers), and after.
 */
export function whereIdleWent(byWorker: Occupied[][], startedMs: number, endedMs: number, firstTestStartedMs: number) {
  let beforeFirstJobMs = 0;
  let betweenJobsMs = 0;
  let afterLastJobMs = 0;
  let largestGapMs = 0;
  for (const intervals of byWorker) {
    if (intervals.length === 0) {
      beforeFirstJobMs += endedMs - startedMs;
      continue;
    }
    beforeFirstJobMs += intervals[0]!.started_ms - startedMs;
    let freeFrom = intervals[0]!.released_ms;
    for (const job of intervals.slice(1)) {
      const gap = Math.max(0, job.started_ms - freeFrom);
      betweenJobsMs += gap;
      largestGapMs = Math.max(largestGapMs, gap);
      freeFrom = Math.max(freeFrom, job.released_ms);
    }
    afterLastJobMs += endedMs - freeFrom;
  }
  const wholeMiner = wholeMinerIdle(byWorker.flat(), firstTestStartedMs);
  return { beforeFirstJobMs, betweenJobsMs, largestGapMs, afterLastJobMs, wholeMinerIdle: wholeMiner };
}

/**
 * Wall time from the first job's start to the last one's release during which no worker was occupied, split by
 * whether the gap opened before the first test began (setup's) or after (the tests').
 */
function wholeMinerIdle(intervals: Occupied[], firstTestStartedMs: number) {
  const sorted = [...intervals].sort((a, b) => a.started_ms - b.started_ms);
  const idle = { beforeTestsMs: 0, duringTestsMs: 0 };
  let freeFrom = sorted[0]?.released_ms ?? 0;
  for (const job of sorted.slice(1)) {
    const gap = Math.max(0, job.started_ms - freeFrom);
    if (freeFrom < firstTestStartedMs) idle.beforeTestsMs += gap;
    else idle.duringTestsMs += gap;
    freeFrom = Math.max(freeFrom, job.released_ms);
  }
  return idle;
}

export function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * When each job and each test ran, in ms since the suite's process started: where the idle is. Jobs carry
 * the miner worker that ran them; tests the Playwright worker slot.
 */
export function timeline(activity: ActivityReport, tests: TestOutcome[], startedMs: number) {
  const since = (ms: number | null) => (ms === null ? null : ms - startedMs);
  return {
    jobs: activity.jobs
      .map((job) => ({
        id: job.id,
        worker: job.worker,
        steps: job.steps,
        queuedMs: since(job.queued_ms),
        startedMs: since(job.started_ms),
        endedMs: since(job.ended_ms),
        releasedMs: since(job.released_ms),
      }))
      .sort((a, b) => a.queuedMs! - b.queuedMs!),
    tests: tests
      .flatMap(({ title, run }) =>
        run ? [{ title, worker: run.parallelIndex, startedMs: run.startedMs - startedMs, endedMs: run.endedMs - startedMs }] : [],
      )
      .sort((a, b) => a.startedMs - b.startedMs),
  };
}
