/** Timed waits (simulated GPU time, the late-completion fault) that all end at once when the miner closes. */
export class Pauses {
  private readonly pending = new Set<{ timer: NodeJS.Timeout | undefined; resolve: () => void }>();

  pause = (ms: number): Promise<void> => {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.pending.add(entry);
    });
  };

  /** A wait with no timer: only the miner's closing ends it. */
  untilClosed = (): Promise<void> => new Promise<void>((resolve) => this.pending.add({ timer: undefined, resolve }));

  endAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pending.clear();
  }
}
