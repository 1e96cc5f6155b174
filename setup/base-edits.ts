import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { parseJsonOrUndefined } from '../lib/wire-body.ts';
import { MinerAcceptedSchema, VALIDATOR_SHAPE } from '../protocol/edit-job.ts';
import { SETUP_JOB_PREFIX } from './callback-path-check.ts';
import type { CallbackServer } from '../lib/callback-server.ts';
import type { StartedEdit } from './run-context.ts';

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
  /** Setup's receiver, which keeps the callbacks for the tests that adopt these edits. */
  receiver: CallbackServer;
  secret: string;
  sampleB64: string;
  httpTimeoutMs: number;
};

/**
 * Submits the base edit and its repeat with callbacks to setup's receiver. A request the miner does not accept as
 * sent (another answer, another job_id, no answer in time) is left out: the tests then make that edit themselves,
 * and say what is wrong with it.
 */
export async function startBaseEdits(api: APIRequestContext, options: BaseEditsOptions): Promise<StartedEdit[]> {
  const submitted = await Promise.all(
    Object.keys(BASE_EDIT_LABELS).map(async (name): Promise<StartedEdit | undefined> => {
      const jobId = `${SETUP_JOB_PREFIX}${name}-${randomUUID()}`;
      const request = { ...BASE_FIELDS, job_id: jobId, callback_url: options.receiver.track(jobId), callback_secret: options.secret };
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
  return submitted.filter((edit) => edit !== undefined);
}
