import { expect, plannedEdits, test, validatorSecret } from '../fixtures/index.ts';

// The callback secret proves a callback came from the miner the validator asked; status records and
// /jobs are public, so the secret must not appear there, nor in any error text.

test(
  'the callback secret appears in no status record, no /jobs listing and no error',
  { tag: '@secret-kept', annotation: plannedEdits(10, 10) },
  async ({ miner, sample }) => {
    const secret = validatorSecret();
    const truncated = sample.bytes.subarray(0, Math.floor(sample.bytes.length * 0.6)).toString('base64');
    const completed = miner.requestBody({ seed: 41, callback_secret: secret });
    const failing = miner.requestBody({ seed: 42, callback_secret: secret, image_b64: truncated });
    await miner.edit(completed, { label: 'a job with a secret' });
    const failingAnswer = await miner.post(failing);
    const failed = failingAnswer.status === 200 ? await miner.waitForEnd(failing.job_id) : undefined;

    const places = [
      { where: `GET /edit/status/${completed.job_id}`, text: (await miner.statusAnswer(completed.job_id)).text },
      { where: `POST /edit answer for job ${failing.job_id}`, text: failingAnswer.text },
      { where: `the failed job's error`, text: failed?.error ?? '' },
      { where: `GET /edit/status/${failing.job_id}`, text: (await miner.statusAnswer(failing.job_id)).text },
      { where: 'GET /jobs', text: (await miner.getAnswer('/jobs')).text },
    ];
    const leaks = places.filter(({ text }) => text.includes(secret)).map(({ where }) => where);
    expect(leaks, 'places that show the callback secret').toEqual([]);
  },
);
