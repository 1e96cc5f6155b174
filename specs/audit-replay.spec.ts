import { expect, plannedEdits, sampleImage, test, uuidv7, type EditRequest } from '../fixtures/index.ts';

// The orchestrator's replay audit sends a miner's recent successful jobs again, same payload and seed, and compares
// the SHA-256 of the PNG files: whichever jobs they are, the miner's first edit after a start too. Global setup's
// audit broadcast rehearsal was the run's first edit; replayed here, it must give the same bytes.

test(
  "the run's first edit, replayed as the orchestrator's replay audit sends it, gives the same PNG bytes",
  { tag: ['@validator-replay', '@smoke'], annotation: plannedEdits(10) },
  async ({ miner, suite }) => {
    const first = suite.orchestratorJobs?.find((job) => job.name === 'audit broadcast');
    test.skip(!first, 'global setup sent no orchestrator-shaped job to this miner (it reaches it only through the proxy)');
    test.skip(!!first!.refusal, `global setup's first job was not accepted as sent, which the window rule names: ${first!.refusal}`);
    const record = await miner.waitForEnd(first!.jobId);
    expect(record.status, `status of global setup's first job ${first!.jobId}`).toBe('completed');
    const firstEdit = { label: 'the first edit of the run', png: await miner.result(first!.jobId) };

    // Same payload and seed, a job_id of its own; its callback is this test's and not waited for.
    const { callback_url: _url, callback_secret: _secret, job_id: _id, ...payload } = first!.body;
    const image = first!.inputAsB64 ? (await sampleImage()).toString('base64') : undefined;
    const replayFields: Partial<EditRequest> = { ...payload, image_b64: image, job_id: uuidv7() };
    const replay = await miner.edit(replayFields, { label: 'its replay' });
    await expect(replay).toBeSameImageAs(firstEdit);
  },
);
