import { waitUntil } from '../../lib/wait-until.ts';
import { expect, test, type MinerUnderTest } from '../support/reference-miner-fixtures.ts';

async function statuses(miner: MinerUnderTest, ids: string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await miner.record(id)).status));
}

test('INFERENCE_WORKERS=2 runs two jobs at once; one worker runs them one after the other', async ({ startMiner, imageB64 }) => {
  for (const workers of [1, 2]) {
    const miner = await startMiner({ inferenceWorkers: workers, editLatencyMs: 400 });
    const ids = [`w${workers}-a`, `w${workers}-b`];
    for (const job_id of ids) expect((await miner.edit({ prompt: 'x', seed: 1, image_b64: imageB64, job_id })).status).toBe(200);
    const seen = await waitUntil(
      async () => {
        const now = await statuses(miner, ids);
        return now.includes('processing') ? now : undefined;
      },
      { timeoutMs: 5_000, describe: () => 'no job started processing' },
    );
    expect(seen, `with ${workers} worker(s)`).toEqual(workers === 2 ? ['processing', 'processing'] : ['processing', 'queued']);
  }
});

test('a full INFERENCE_QUEUE_MAXSIZE queue makes the submission wait for room instead of failing', async ({ startMiner, imageB64 }) => {
  const miner = await startMiner({ inferenceWorkers: 1, inferenceQueueMaxsize: 1, editLatencyMs: 300 });
  const body = (job_id: string) => ({ prompt: 'x', seed: 1, image_b64: imageB64, job_id });
  expect((await miner.edit(body('q-running'))).status).toBe(200);
  expect((await miner.edit(body('q-waiting'))).status).toBe(200);
  const third = await miner.edit(body('q-third'));
  expect(third.status).toBe(200);
  // Room came only when the running job ended, so it has ended by the time the third was answered.
  expect((await miner.record('q-running')).status).toBe('completed');
});
