/** Runs jobs with a fixed number of workers; with a size limit, adding waits for room instead of failing. */
export class JobQueue<T> {
  private readonly waiting: T[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private running = 0;
  private closed = false;

  constructor(
    private readonly workers: number,
    private readonly maxsize: number,
    private readonly run: (item: T) => Promise<void>,
  ) {}

  /** Resolves once the item is queued (at once, unless the queue is full). */
  async add(item: T): Promise<void> {
    while (this.maxsize > 0 && this.waiting.length >= this.maxsize && !this.closed)
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    this.waiting.push(item);
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.workers && this.waiting.length > 0) {
      const item = this.waiting.shift()!;
      this.roomWaiters.shift()?.();
      this.running++;
      void this.run(item).finally(() => {
        this.running--;
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
