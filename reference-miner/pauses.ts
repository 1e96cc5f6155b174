/** Timed waits (simulated GPU time, the late-completion fault) that all end at once when the miner closes. */
export class Pauses {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

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

  endAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.pending.clear();
  }
}
