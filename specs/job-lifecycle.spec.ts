import { randomUUID } from 'node:crypto';
import {
  BASE_EDIT,
  DIVERGENCE,
  expect,
  inputImage,
  type InputImage,
  type MinerSession,
  parseIsoTimestamp,
  plannedEdits,
  sampleImage,
  test,
} from '../fixtures/index.ts';

// Every accepted job reaches completed or failed and calls back; its record tells the truth about it.

test(
  'a burst of submissions larger than the queue: every job accepted, completed and called back, none dropped, no 5xx',
  { tag: ['@burst-completes', '@slow'], annotation: plannedEdits(10, 10, 10, 10, 10) },
  async ({ miner, callbacks }) => {
    // More than a one-worker miner with a queue of one holds; five, so a job the miner leaves behind has one queued after it.
    const BURST = 5;
    const requests = Array.from({ length: BURST }, (_, i) => miner.requestBody({ seed: 600 + i }));
    // Submitted one after another, none awaiting a job's end: each gets its own queued_at, the order the queue must keep.
    const answers = [];
    for (const request of requests) answers.push(await miner.post(request));
    expect(
      answers.map((answer) => answer.status),
      'POST /edit answers of the burst',
    ).toEqual(requests.map(() => 200));
    const records = await Promise.all(requests.map((request) => miner.waitForEnd(request.job_id)));
    expect(
      records.map((record) => record.status),
      'how each job of the burst ended',
    ).toEqual(requests.map(() => 'completed'));
    const receipts = await Promise.all(requests.map((request) => callbacks.waitFor(request.job_id)));
    expect(
      receipts.map((receipt) => receipt.fields.status),
      'callbacks of the burst',
    ).toEqual(requests.map(() => 'completed'));
  },
);

test('an unknown job id answers 404 on status and result', { tag: '@unknown-id-404', annotation: plannedEdits() }, async ({ miner }) => {
  const unknown = `never-submitted-${randomUUID()}`;
  expect.soft(await miner.statusAnswer(unknown)).toBeRefused(404);
  expect.soft(await miner.getAnswer(`/edit/result/${unknown}`)).toBeRefused(404);
});

test(
  'a finished record has queued_at ≤ started_at ≤ completed_at and echoes the request as sent',
  { tag: '@status-lifecycle', annotation: plannedEdits(BASE_EDIT) },
  async ({ miner }) => {
    const { record, request } = await miner.sharedEdit(BASE_EDIT);
    const [queued, started, completed] = [record.queued_at, record.started_at, record.completed_at].map((t) =>
      t ? parseIsoTimestamp(t) : NaN,
    );
    expect.soft(started, `started_at ${record.started_at} not before queued_at ${record.queued_at}`).toBeGreaterThanOrEqual(queued!);
    expect
      .soft(completed, `completed_at ${record.completed_at} not before started_at ${record.started_at}`)
      .toBeGreaterThanOrEqual(started!);
    expect.soft(record.request, 'the request echoed on the record').toMatchObject({
      prompt: request.prompt,
      seed: request.seed,
      guidance_scale: request.guidance_scale,
      num_inference_steps: request.num_inference_steps,
      callback_url: request.callback_url,
      callback_secret_provided: true,
    });
  },
);

test(
  'the result of an unfinished job is refused: 400 (seed protocol) or 404 (later revision)',
  { tag: '@unfinished-result', annotation: plannedEdits(10, 10, 10) },
  async ({ miner }) => {
    const { last, jobsEnded } = await submitBehindOthers(miner, await largeInput());
    const before = await miner.status(last.job_id);
    const answer = await miner.getAnswer(`/edit/result/${last.job_id}`);
    const after = await miner.status(last.job_id);
    await jobsEnded();
    // A 400 or 404 answers a job still unfinished whatever its record says a moment later; a 200 is judged only
    // while the record still says unfinished, as the job may have completed between the two reads.
    test.skip(
      before.status === 'completed' || (answer.status === 200 && after.status === 'completed'),
      'the job finished before its result could be asked unfinished',
    );
    if (answer.status === 404)
      test.info().annotations.push({
        type: DIVERGENCE,
        description:
          'unfinished-result-404: the result of an unfinished job answers 404, as the later revision does (the seed protocol answers 400)',
      });
    expect(
      answer.status,
      `GET /edit/result of a job that is ${after.status} should answer 400 (seed protocol) or 404 (later revision)`,
    ).toBe(answer.status === 404 ? 404 : 400);
  },
);

test(
  'a job_id that is still queued or processing is refused with 409 where the miner serves requests while it edits',
  { tag: '@duplicate-job-id', annotation: plannedEdits(10, 10, 10) },
  async ({ miner, revision }) => {
    test.skip(!revision.imageUrl, 'the seed revision edits on its event loop, so a second submission waits until the first job ended');
    const { last, jobsEnded } = await submitBehindOthers(miner, await largeInput());
    const before = await miner.status(last.job_id);
    const answer = await miner.post(last);
    await jobsEnded();
    test.skip(before.status === 'completed', 'the job finished before it could be submitted again');
    expect(answer).toBeRefused(409);
  },
);

/**
 * Two large jobs, then one more: the last waits behind the others (two workers at most), so it stays unfinished
 * a while. `jobsEnded` waits for all three: a test leaves no job of its own on the miner's GPU when it ends.
 * Each calls back as a validator's job does, so its end is seen the moment its callback comes.
 */
async function submitBehindOthers(miner: MinerSession, large: InputImage) {
  const ahead = [81, 82].map((seed) => miner.requestBody({ seed, image_b64: large.b64 }));
  await Promise.all(ahead.map((request) => miner.submit(request)));
  const last = miner.requestBody({ seed: 85 });
  await miner.submit(last);
  const jobsEnded = () => Promise.all([...ahead, last].map((request) => miner.waitForEnd(request.job_id)));
  return { last, jobsEnded };
}

async function largeInput(): Promise<InputImage> {
  return inputImage('large input', await sampleImage({ width: 1024, height: 1024 }));
}
