import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../../lib/wait-until.ts';
import { expect, MinerUnderTest, test } from '../support/reference-miner-fixtures.ts';
import { startEntryPoint } from '../support/reference-servers.ts';

// MINER_BLOCKS_WHILE_EDITING imitates the seed revision's event loop, which answers nothing while an edit runs.
// A blocked event loop would block this test too, so the blocking miner runs in a process of its own.

const MAIN = fileURLToPath(new URL('../../reference-miner/main.ts', import.meta.url));
const EDIT_MS = 1_000;

/** Polls the job's status back to back until it completes; the slowest answer, in ms, is the longest the miner left a request waiting. */
async function slowestStatusUntilCompleted(miner: MinerUnderTest, id: string): Promise<number> {
  let slowest = 0;
  await waitUntil(
    async () => {
      const sentMs = performance.now();
      const record = await miner.record(id);
      slowest = Math.max(slowest, performance.now() - sentMs);
      return record.status === 'completed' ? record : undefined;
    },
    { timeoutMs: 10_000, describe: () => `job ${id} did not complete`, pauses: [0] },
  );
  return slowest;
}

test('blocking: a status request sent during an edit is answered only after it; the job completes, is served, and calls back after its hold', async ({
  receiver,
  imageB64,
}, testInfo) => {
  const holdMs = 2_000;
  const { child, output } = startEntryPoint(MAIN, {
    MINER_SERVER_HOST: '127.0.0.1',
    MINER_SERVER_PORT: '0',
    ENABLE_KONTEXT_EDIT: 'true',
    OUTPUT_DIR: testInfo.outputPath('out'),
    MINER_EDIT_LATENCY_MS: String(EDIT_MS),
    MINER_CALLBACK_HOLD_SECONDS: String(holdMs / 1000),
    MINER_BLOCKS_WHILE_EDITING: 'true',
  });
  const exited = once(child, 'exit');
  try {
    const url = await waitUntil(() => /listening on (http:\/\/\S+)/.exec(output.stdout)?.[1], {
      timeoutMs: 15_000,
      describe: () => `the miner printed no listening line: ${output.stdout}${output.stderr}`,
    });
    const miner = new MinerUnderTest(url);
    expect((await miner.get('/health')).json.config).toMatchObject({ blocks_while_editing: true, callback_hold_seconds: holdMs / 1000 });
    const postedMs = Date.now();
    const accepted = await miner.edit({
      prompt: 'x',
      seed: 1,
      image_b64: imageB64,
      job_id: 'blocked',
      callback_url: receiver.track('blocked'),
    });
    expect(accepted.status).toBe(200);
    expect(await slowestStatusUntilCompleted(miner, 'blocked'), 'a request left waiting for the edit').toBeGreaterThan(EDIT_MS / 2);
    const result = await miner.get('/edit/result/blocked');
    expect(result.status, 'the result is served while the callback is held').toBe(200);
    expect(receiver.receivedNow('blocked'), 'the callback is still held').toEqual([]);
    const receipt = await receiver.waitFor('blocked', { timeoutMs: 5_000 });
    expect(receipt.receivedAtMs - postedMs).toBeGreaterThanOrEqual(holdMs);
    expect(receipt.image!.equals(result.bytes)).toBe(true);
  } finally {
    child.kill('SIGTERM');
  }
  await exited;
});

test('not blocking (the default): status is answered at once while an edit runs', async ({ startMiner, imageB64 }) => {
  const miner = await startMiner({ editLatencyMs: EDIT_MS });
  expect((await miner.get('/health')).json.config).toMatchObject({ blocks_while_editing: false });
  expect((await miner.edit({ prompt: 'x', seed: 1, image_b64: imageB64, job_id: 'free' })).status).toBe(200);
  expect(await slowestStatusUntilCompleted(miner, 'free')).toBeLessThan(EDIT_MS / 2);
});
