import { test as base, expect } from '@playwright/test';
import { CallbackServer } from '../../lib/callback-server.ts';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { JobRecordSchema, type JobRecord } from '../../protocol/edit-job.ts';
import { waitUntil } from '../../lib/wait-until.ts';
import type { MinerOverrides } from '../../reference-miner/config.ts';
import type { RunningMiner } from '../../reference-miner/server.ts';
import { call, type Answer } from './reference-servers.ts';
import { startTestMiner } from './with-reference-miner.ts';

export type { Answer } from './reference-servers.ts';

/** A reference miner under test, spoken to over plain HTTP. */
export class MinerUnderTest {
  constructor(readonly url: string) {}

  async request(method: string, path: string, body?: string | object, headers: Record<string, string> = {}): Promise<Answer> {
    return call(`${this.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  edit(body: string | object): Promise<Answer> {
    return this.request('POST', '/edit', body);
  }

  get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  async record(id: string): Promise<JobRecord> {
    const answer = await this.get(`/edit/status/${encodeURIComponent(id)}`);
    expect(answer.status, `status of ${id}: ${answer.bytes.toString()}`).toBe(200);
    return JobRecordSchema.parse(answer.json);
  }

  /** Polls the job's record until `pick` returns something, within 10 s. */
  waitFor<T>(id: string, pick: (record: JobRecord) => T | undefined, what: string): Promise<T> {
    return waitUntil(async () => pick(await this.record(id)), { timeoutMs: 10_000, describe: () => `job ${id} never reached ${what}` });
  }

  waitForEnd(id: string): Promise<JobRecord> {
    return this.waitFor(id, (r) => (r.status === 'completed' || r.status === 'failed' ? r : undefined), 'its end');
  }

  /** Submits an edit that must be accepted and waits for its end. */
  async run(body: object): Promise<{ record: JobRecord; png: Buffer | undefined }> {
    const accepted = await this.edit(body);
    expect(accepted.status, `POST /edit: ${accepted.bytes.toString()}`).toBe(200);
    const record = await this.waitForEnd(accepted.json.job_id);
    const png = record.status === 'completed' ? (await this.get(`/edit/result/${record.id}`)).bytes : undefined;
    return { record, png };
  }
}

type MinerFixtures = {
  /** Starts a reference miner in this process (editing on, free port, output in the test's folder, no callback hold); stopped after the test. */
  startMiner: (overrides?: MinerOverrides) => Promise<MinerUnderTest>;
  /** A healthy reference miner with default settings, but no callback hold. */
  miner: MinerUnderTest;
  /** A callback receiver for the miner's callbacks. */
  receiver: CallbackServer;
  /** A small sample PNG, base64. */
  imageB64: string;
};

export const test = base.extend<MinerFixtures>({
  startMiner: async ({}, use) => {
    const running: RunningMiner[] = [];
    await use(async (overrides = {}) => {
      const miner = await startTestMiner(overrides);
      running.push(miner);
      return new MinerUnderTest(miner.url);
    });
    await Promise.all(running.map((m) => m.close()));
  },
  miner: async ({ startMiner }, use) => use(await startMiner()),
  receiver: async ({}, use) => {
    const receiver = await CallbackServer.start({ host: '127.0.0.1', port: 0 });
    await use(receiver);
    await receiver.close();
  },
  imageB64: async ({}, use) => use((await sampleImage({ width: 96, height: 64 })).toString('base64')),
});

export { expect };
