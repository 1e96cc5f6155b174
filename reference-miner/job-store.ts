import type { Job } from './job-record.ts';

/** The miner's job records; finished ones are dropped after the TTL, as later revisions do. */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly cleanedCompleted = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** reused-id-serves-old-output: the first output ever made under each id, which a cache would keep serving. */
  private readonly firstOutputs = new Map<string, Buffer>();

  constructor(private readonly ttlMs: number) {}

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** A finished id may be reused: the new job replaces the old record. */
  put(job: Job): void {
    clearTimeout(this.timers.get(job.record.id));
    this.cleanedCompleted.delete(job.record.id);
    this.jobs.set(job.record.id, job);
  }

  isLive(id: string): boolean {
    const status = this.jobs.get(id)?.record.status;
    return status === 'queued' || status === 'processing';
  }

  /** The jobs queued or processing, oldest first. */
  live(): Job[] {
    return [...this.jobs.values()].filter((job) => this.isLive(job.record.id) && this.jobs.get(job.record.id) === job);
  }

  /** Keeps the output of the first job under `id`; later jobs under the same id leave it as it was. */
  rememberFirstOutput(id: string, png: Buffer): void {
    if (!this.firstOutputs.has(id)) this.firstOutputs.set(id, png);
  }

  firstOutput(id: string): Buffer | undefined {
    return this.firstOutputs.get(id);
  }

  wasCleanedUp(id: string): boolean {
    return this.cleanedCompleted.has(id);
  }

  /** Starts the TTL of a finished job. */
  finished(job: Job): void {
    const id = job.record.id;
    const timer = setTimeout(() => {
      if (this.jobs.get(id) !== job) return;
      this.jobs.delete(id);
      if (job.record.status === 'completed') this.cleanedCompleted.add(id);
    }, this.ttlMs);
    timer.unref();
    this.timers.set(id, timer);
  }

  /** Newest first. */
  list(): Job[] {
    return [...this.jobs.values()].reverse();
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}
