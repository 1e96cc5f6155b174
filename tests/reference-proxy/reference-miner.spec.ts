import sharp from 'sharp';
import { JobRecordSchema, type JobRecord } from '../../protocol/edit-job.ts';
import { ProxyQueuedSchema } from '../../protocol/epistula.ts';
import { startReferenceMiner, type RunningMiner } from '../../reference-miner/server.ts';
import { expect, test as proxyTest } from '../support/reference-proxy-fixtures.ts';

// The reference proxy in front of the real reference miner: the validator's path end to end.

/** Reads the job's record straight from the miner (the proxy does not serve it) until it ends, within `timeoutMs`. */
async function jobEnd(miner: RunningMiner, id: string, timeoutMs = 15_000): Promise<JobRecord> {
  const deadline = performance.now() + timeoutMs;
  for (let interval = 5; ; interval = Math.min(interval * 2, 100)) {
    const response = await fetch(`${miner.url}/edit/status/${id}`, { signal: AbortSignal.timeout(5_000) });
    if (response.ok) {
      const record = JobRecordSchema.parse(await response.json());
      if (record.status === 'completed' || record.status === 'failed') return record;
    }
    if (performance.now() > deadline) throw new Error(`Job ${id} did not end within ${timeoutMs} ms on the reference miner.`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

const test = proxyTest.extend<{
  referenceMiner: (overrides?: Parameters<typeof startReferenceMiner>[0]) => Promise<RunningMiner>;
  imageB64: string;
}>({
  referenceMiner: async ({}, use, testInfo) => {
    const running: RunningMiner[] = [];
    await use(async (overrides = {}) => {
      const miner = await startReferenceMiner({
        host: '127.0.0.1',
        port: 0,
        enableKontextEdit: true,
        outputDir: testInfo.outputPath('miner'),
        ...overrides,
      });
      running.push(miner);
      return miner;
    });
    await Promise.all(running.map((m) => m.close()));
  },
  imageB64: async ({}, use) =>
    use(
      (
        await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 80, b: 40 } } })
          .png()
          .toBuffer()
      ).toString('base64'),
    ),
});

test('a signed edit through the proxy is accepted by the reference miner and completes', async ({
  referenceMiner,
  startProxy,
  imageB64,
}) => {
  const miner = await referenceMiner();
  const proxy = await startProxy({ minerUrl: miner.url });
  const answer = await proxy.signed(
    'POST',
    '/edit',
    JSON.stringify({ prompt: 'make it blue', seed: 7, image_b64: imageB64, job_id: 'signed-1' }),
  );
  expect(answer.status, answer.bytes.toString()).toBe(200);
  expect(answer.json).toMatchObject({ accepted: true, job_id: 'signed-1' });
  expect((await jobEnd(miner, 'signed-1')).status).toBe('completed');
});

test('a miner whose answer waits for queue room gets a 202 from the proxy and still finishes the job', async ({
  referenceMiner,
  startProxy,
  imageB64,
}) => {
  // one edit running and one queued: the third submission's answer waits for room, past the proxy's wait
  const miner = await referenceMiner({ inferenceWorkers: 1, inferenceQueueMaxsize: 1, editLatencyMs: 800 });
  const proxy = await startProxy({ minerUrl: miner.url, timeoutSeconds: 0.3 });
  const edit = (jobId: string) => JSON.stringify({ prompt: 'make it blue', seed: 7, image_b64: imageB64, job_id: jobId });
  const answers = await Promise.all(['first', 'second', 'third'].map((id) => proxy.signed('POST', '/edit', edit(id))));
  const queued = answers.filter((answer) => answer.status === 202);
  expect(queued.length, 'at least the third submission outlasted the wait').toBeGreaterThanOrEqual(1);
  for (const answer of queued) {
    const body = ProxyQueuedSchema.parse(answer.json);
    expect((await jobEnd(miner, body.job_id!)).status, `${body.job_id} after the 202`).toBe('completed');
  }
});
