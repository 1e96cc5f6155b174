import { z } from 'zod';

/** One job's passage through the miner, in epoch ms; started, ended and released are null until they happen. */
export const JobActivitySchema = z.object({
  id: z.string(),
  worker: z.number().int().nullable(),
  /** Denoising steps asked for, which the simulated GPU time is priced in. */
  steps: z.number().int(),
  queued_ms: z.number(),
  started_ms: z.number().nullable(),
  ended_ms: z.number().nullable(),
  /** When its worker was free to take the next job: as soon as the record ended (the callback's hold runs apart). */
  released_ms: z.number().nullable(),
  /** When its callback was POSTed (a completed job's after the hold); null while held, and when none is sent. */
  called_back_ms: z.number().nullable(),
});
export type JobActivity = z.infer<typeof JobActivitySchema>;

/** GET /reference/activity: what a benchmark needs to tell busy time from idle time. */
export const ActivityReportSchema = z.object({
  workers: z.number().int(),
  edit_latency_ms: z.number().int(),
  step_latency_ms: z.number().int(),
  jobs: z.array(JobActivitySchema),
  /** Sum over workers of the union of the intervals they were occupied (started → released); an open one counts up to now. */
  busy_ms: z.number(),
});
export type ActivityReport = z.infer<typeof ActivityReportSchema>;

/**
 * Records when each job was queued, when and on which worker its processing started and ended, when the worker
 * was free again, and when the callback went out.
 */
export class ActivityLog {
  private readonly entries = new Map<object, JobActivity>();

  constructor(
    private readonly workers: number,
    private readonly editLatencyMs: number,
    private readonly stepLatencyMs: number,
  ) {}

  queued(job: object, id: string, steps: number, now = Date.now()): void {
    this.entries.set(job, {
      id,
      worker: null,
      steps,
      queued_ms: now,
      started_ms: null,
      ended_ms: null,
      released_ms: null,
      called_back_ms: null,
    });
  }

  started(job: object, worker: number, now = Date.now()): void {
    Object.assign(this.entries.get(job) ?? {}, { worker, started_ms: now });
  }

  ended(job: object, now = Date.now()): void {
    Object.assign(this.entries.get(job) ?? {}, { ended_ms: now });
  }

  released(job: object, now = Date.now()): void {
    Object.assign(this.entries.get(job) ?? {}, { released_ms: now });
  }

  calledBack(job: object, now = Date.now()): void {
    Object.assign(this.entries.get(job) ?? {}, { called_back_ms: now });
  }

  report(now = Date.now()): ActivityReport {
    const jobs = [...this.entries.values()].map((entry) => ({ ...entry }));
    return {
      workers: this.workers,
      edit_latency_ms: this.editLatencyMs,
      step_latency_ms: this.stepLatencyMs,
      jobs,
      busy_ms: busyMs(jobs, now),
    };
  }
}

/** Per worker, the length of the union of its [started, released] intervals, summed: the time it could take no other job. */
export function busyMs(jobs: Pick<JobActivity, 'worker' | 'started_ms' | 'released_ms'>[], now: number): number {
  const byWorker = new Map<number, [number, number][]>();
  for (const job of jobs)
    if (job.worker !== null && job.started_ms !== null)
      byWorker.set(job.worker, [...(byWorker.get(job.worker) ?? []), [job.started_ms, job.released_ms ?? now]]);
  let total = 0;
  for (const intervals of byWorker.values()) {
    intervals.sort((a, b) => a[0] - b[0]);
    let [start, end] = intervals[0]!;
    for (const [s, e] of intervals.slice(1)) {
      if (s > end) {
        total += end - start;
        [start, end] = [s, e];
      } else end = Math.max(end, e);
    }
    total += end - start;
  }
  return total;
}
