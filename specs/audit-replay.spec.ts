import { expect, plannedEdits, sampleImage, test, uuidv7, type EditRequest, type MinerSession } from '../fixtures/index.ts';

// The orchestrator's replay audit sends a miner's recent successful jobs again, same payload and seed, and compares
// the SHA-256 of the PNG files: whichever jobs they are, the miner's first edit after a start too. Global setup's
// audit broadcast rehearsal was the run's first edit, and setup queued its replay as soon as that edit was done.

test(
  "the run's first edit, replayed as the orchestrator's replay audit sends it, gives the same PNG bytes",
  { tag: ['@validator-replay', '@smoke'], annotation: plannedEdits(10) },
  async ({ miner, target }) => {
    const first = target.orchestratorJobs?.find((job) => job.name === 'audit broadcast');
    test.skip(!first, 'global setup sent no orchestrator-shaped job to this miner (it reaches it only through the proxy)');
    test.skip(!!first!.refusal, `global setup's first job was not accepted as sent, which the window rule names: ${first!.refusal}`);
    const firstEdit = { label: 'the first edit of the run', png: await finishedResult(miner, first!.jobId, "global setup's first job") };

    const queued = target.orchestratorJobs?.find((job) => job.name === 'broadcast replay' && !job.refusal);
    // Same payload and seed under a job of its own; made here only when setup could not queue it.
    const { callback_url: _url, callback_secret: _secret, job_id: _id, ...payload } = first!.body;
    const replayFields: Partial<EditRequest> = {
      ...payload,
      image_b64: first!.inputAsB64 ? (await sampleImage()).toString('base64') : undefined,
      job_id: uuidv7(),
    };
    const replay = queued
      ? { label: 'its replay', png: await finishedResult(miner, queued.jobId, "global setup's replay of it") }
      : await miner.edit(replayFields, { label: 'its replay' });
    await expect(replay).toBeSameImageAs(firstEdit);
  },
);

/** The result of a job global setup submitted, once its record says completed. */
async function finishedResult(miner: MinerSession, jobId: string, what: string): Promise<Buffer> {
  const record = await miner.waitForEnd(jobId);
  expect(record.status, `status of ${what}, job ${jobId}`).toBe('completed');
  return miner.result(jobId);
}
