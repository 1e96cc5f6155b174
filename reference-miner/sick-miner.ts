import type { Server } from 'node:http';
import type { Faults } from './faults.ts';

/** The sick-miner faults strike at the first edit: the miner hangs (answers nothing more) or dies (listener closed, connections dropped). */
export class SickMiner {
  private hung = false;

  constructor(
    private readonly faults: Faults,
    private readonly server: Server,
    /** What dying means beyond the server: `npm run miner` exits with code 1. */
    private readonly onDeath: () => void,
    /** A wait that only the miner's closing ends. */
    private readonly untilClosed: () => Promise<void>,
  ) {}

  /** Requests go unanswered, as with an event loop stuck in an edit. */
  get unresponsive(): boolean {
    return this.hung;
  }

  /** Called as an edit starts; false means the miner fell sick and the job goes no further. */
  async editStarting(): Promise<boolean> {
    if (this.faults.has('hangs-mid-job')) {
      this.hung = true;
      await this.untilClosed();
      return false;
    }
    if (this.faults.has('dies-mid-job')) {
      this.server.close();
      this.server.closeAllConnections();
      this.onDeath();
      return false;
    }
    return true;
  }
}
