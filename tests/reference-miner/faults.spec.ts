import { FAULTS } from '../../reference-miner/faults.ts';
import { expect, test } from '../support/reference-miner-fixtures.ts';

// The fault matrix (tests/fault-matrix) proves the suite catches each fault; here, that the switch itself works.

test('every fault is documented in one line', () => {
  for (const [name, description] of Object.entries(FAULTS)) {
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(description).toMatch(/^[A-Za-z].*\.$/);
    expect(description).not.toContain('\n');
  }
});

test('/health lists the active faults', async ({ startMiner }) => {
  const miner = await startMiner({ faults: ['seed-ignored', 'result-missing'] });
  expect((await miner.get('/health')).json.config.faults).toEqual(['seed-ignored', 'result-missing']);
});
