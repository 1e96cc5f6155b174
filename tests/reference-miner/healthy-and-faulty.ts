import type { MinerOverrides } from '../../reference-miner/config.ts';
import type { FaultName } from '../../reference-miner/faults.ts';
import type { MinerUnderTest } from './miner-test.ts';

/** Two miners with the same settings, one healthy and one with the fault, to show what the fault changes. */
export async function healthyAndFaulty(
  startMiner: (overrides?: MinerOverrides) => Promise<MinerUnderTest>,
  fault: FaultName,
  overrides: MinerOverrides = {},
): Promise<{ healthy: MinerUnderTest; faulty: MinerUnderTest }> {
  const healthy = await startMiner(overrides); // one after the other: each takes the next output folder
  const faulty = await startMiner({ ...overrides, faults: [fault] });
  return { healthy, faulty };
}
