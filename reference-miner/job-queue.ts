/** Runs jobs with a fixed number of workers, numbered from 0; with a size limit, adding waits for room instead of failing. */
export class JobQueue<T> {
  private readonly waiting: T[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private readonly idleWorkers: number[];
  private closed = false;

  constructor(
    workers: number,
    private readonly maxsize: number,
    private readonly run: (item: T, worker: number) => Promise<void>,
  ) {
    this.idleWorkers = Array.from({ length: workers }, (_, worker) => worker);
  }

  /** Resolves once the item is queued (at once, unless the queue is full). */
  async add(item: T): Promise<void> {
    while (this.maxsize > 0 && this.waiting.length >= this.maxsize && !this.closed)
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.waiting.push(item);
    this.pump();
  }

  /** INFERENCE_QUEUE_MAXSIZE jobs are waiting: an add would wait for room. */
  isFull(): boolean {
    return this.maxsize > 0 && this.waiting.length >= this.maxsize;
  }

  private pump(): void {
    while (!this.closed && this.idleWorkers.length > 0 && this.waiting.length > 0) {
      const item = this.waiting.shift()!;
      const worker = this.idleWorkers.shift()!;
      this.roomWaiters.shift()?.();
      void this.run(item, worker).finally(() => {
        this.idleWorkers.push(worker);
        this.idleWorkers.sort((a, b) => a - b);
        this.pump();
      });
    }
  }

  close(): void {
    this.closed = true;
    this.waiting.length = 0;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }
}
