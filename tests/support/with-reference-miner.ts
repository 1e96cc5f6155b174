import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startReferenceMiner } from '../../reference-miner/server.ts';
import type { FaultName } from '../../reference-miner/faults.ts';

/** Runs `body` against a reference miner in this process, with the given faults, and always stops it. */
export async function withReferenceMiner<T>(options: { faults: FaultName[] }, body: (minerUrl: string) => Promise<T>): Promise<T> {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'fault-matrix-miner-'));
  const miner = await startReferenceMiner({ host: '127.0.0.1', port: 0, enableKontextEdit: true, outputDir, faults: options.faults });
  try {
    return await body(miner.url);
  } finally {
    await miner.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}
