import { test } from '@playwright/test';
import type { MinerOverrides } from '../../reference-miner/config.ts';
import { startReferenceMiner, type RunningMiner } from '../../reference-miner/server.ts';

let started = 0;

/**
 * A reference miner in this process on a free loopback port, editing enabled, no callback hold, its output in the running
 * test's output folder (which Playwright clears): the one way the project's tests start a miner.
 */
export function startTestMiner(overrides: MinerOverrides = {}): Promise<RunningMiner> {
  const outputDir = test.info().outputPath(`miner-${started++}`);
  // No callback hold unless asked: tests of other rules must not pay 8 s per callback (the hold has tests of its own).
  return startReferenceMiner({ host: '127.0.0.1', port: 0, enableKontextEdit: true, outputDir, callbackHoldSeconds: 0, ...overrides });
}

/** Runs `body` against a reference miner with the given settings and faults, and always stops it. */
export async function withReferenceMiner<T>(overrides: MinerOverrides, body: (minerUrl: string) => Promise<T>): Promise<T> {
  const miner = await startTestMiner(overrides);
  try {
    return await body(miner.url);
  } finally {
    await miner.close();
  }
}
