import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import getPort from 'get-port';
import { parseJsonOrUndefined } from '../lib/wire-body.ts';
import { MinerAcceptedSchema, VALIDATOR_SHAPE } from '../protocol/edit-job.ts';
import type { CallbackAddress } from './callback-address.ts';
import { SETUP_JOB_PREFIX, startSetupReceiver, type StoredCallback } from './callback-path-check.ts';
import type { StartedEdit } from './suite-context.ts';

// The edit most rules judge, and the same request submitted again (the replay every tier checks), are the
// same for every test of a run: global setup submits both once the callback path is proven, and they run
// on the miner while Playwright starts its workers, which would otherwise leave the GPU idle for seconds.
// Each worker adopts them (fixtures/miner-client.ts): reads their records and results, and judges the
// callbacks this file's receiver kept.

/** The base edit's fields: the sample, the sunset prompt, validator-shaped. */
export const BASE_FIELDS = { prompt: 'Make the sky a warm sunset orange', seed: 1_234_567, ...VALIDATOR_SHAPE } as const;

/** The shared edits global setup starts, by name, with the label each outcome carries. */
export const BASE_EDIT_LABELS = { base: 'base edit', 'base-again': 'the base request again' } as const;

export type BaseEditsOptions = {
  minerUrl: string;
  callback: CallbackAddress;
  secret: string;
  sampleB64: string;
  httpTimeoutMs: number;
  runStateDir: string;
};

/**
 * Submits the base edit and its repeat with callbacks to a receiver that lives until global teardown. A request
 * the miner does not accept as sent (another answer, another job_id, no answer in time) is left out: the tests
 * then make that edit themselves, and say what is wrong with it.
 */
export async function startBaseEdits(
  api: APIRequestContext,
  options: BaseEditsOptions,
): Promise<{ started: StartedEdit[]; stop: () => Promise<void> }> {
  const folder = storedFolder(options.runStateDir);
  mkdirSync(folder, { recursive: true });
  const receiver = await startSetupReceiver(options.callback, await getPort({ host: options.callback.bindHost }), (stored) => {
    // Named by the job its URL names, written aside, then renamed: a worker reading the folder never meets half a file.
    const file = path.join(folder, `${fileSafe(stored.path.split('?')[0]!.split('/').at(-1) ?? '')}--${randomUUID()}.json`);
    writeFileSync(`${file}.part`, JSON.stringify(stored));
    renameSync(`${file}.part`, file);
  });
  const submitted = await Promise.all(
    Object.keys(BASE_EDIT_LABELS).map(async (name): Promise<StartedEdit | undefined> => {
      const jobId = `${SETUP_JOB_PREFIX}${name}-${randomUUID()}`;
      const request = {
        ...BASE_FIELDS,
        job_id: jobId,
        callback_url: `${receiver.baseUrl}/callback/${jobId}`,
        callback_secret: options.secret,
      };
      try {
        const answer = await api.post(`${options.minerUrl}/edit`, {
          data: { ...request, image_b64: options.sampleB64 },
          failOnStatusCode: false,
          timeout: options.httpTimeoutMs,
        });
        const accepted = MinerAcceptedSchema.safeParse(parseJsonOrUndefined(await answer.body()));
        return answer.status() === 200 && accepted.data?.job_id === jobId ? { name, jobId, request } : undefined;
      } catch {
        return undefined; // the tests meet whatever this was, and name it
      }
    }),
  );
  const started = submitted.filter((edit) => edit !== undefined);
  if (!started.length) await receiver.close();
  return { started, stop: () => (started.length ? receiver.close() : Promise.resolve()) };
}

/** The callbacks setup's receiver kept for one job, in the order they came. */
export function storedCallbacksOf(runStateDir: string, jobId: string): StoredCallback[] {
  const folder = storedFolder(runStateDir);
  return filesOf(runStateDir, jobId)
    .map((file) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as StoredCallback)
    .sort((a, b) => a.receivedAtMs - b.receivedAtMs);
}

/** Whether setup's receiver took a callback for the job: cheap enough to poll. */
export function hasStoredCallback(runStateDir: string, jobId: string): boolean {
  return filesOf(runStateDir, jobId).length > 0;
}

function filesOf(runStateDir: string, jobId: string): string[] {
  try {
    return readdirSync(storedFolder(runStateDir)).filter((file) => file.startsWith(`${fileSafe(jobId)}--`) && file.endsWith('.json'));
  } catch {
    return [];
  }
}

const storedFolder = (runStateDir: string) => path.join(runStateDir, 'setup-callbacks');
const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9_.-]/g, '_');
