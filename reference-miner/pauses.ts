/** Timed waits (simulated GPU time, callback holds, the late-completion fault) that all end at once when the miner closes. */
export class Pauses {
  private readonly pending = new Set<{ timer: NodeJS.Timeout | undefined; resolve: (elapsed: boolean) => void }>();
  private closed = false;

  /** Resolves true when `ms` passed, false when the miner's closing ended the wait (or had already happened). */
  pause = (ms: number): Promise<boolean> => {
    if (this.closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve(true);
        }, ms),
        resolve,
      };
      this.pending.add(entry);
    });
  };

  /** A wait with no timer: only the miner's closing ends it. */
  untilClosed = (): Promise<void> =>
    this.closed ? Promise.resolve() : new Promise<void>((resolve) => this.pending.add({ timer: undefined, resolve: () => resolve() }));

  endAll(): void {
    this.closed = true;
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve(false);
    }
    this.pending.clear();
  }
}

/** Spends `ms` without yielding, as a synchronous GPU call in a request handler: the event loop answers nothing meanwhile. */
export function blockEventLoop(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
