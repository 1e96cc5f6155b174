import { expect, test } from '../support/reference-miner-fixtures.ts';

// However bad the request, the miner answers 4xx (or runs a job that fails with its reason): never 500, never a crash.
const GARBAGE: [string, string | object][] = [
  ['empty body', ''],
  ['malformed JSON', '{"prompt": '],
  ['null', 'null'],
  ['a list', '[1, 2]'],
  ['binary', '\u0000\u0001\u0002\u00ff'],
  [
    'every field mistyped',
    {
      prompt: [],
      seed: {},
      image_b64: 5,
      reference_job_id: 6,
      guidance_scale: 'a',
      num_inference_steps: 'b',
      job_id: 7,
      callback_url: 8,
      expiry: 9,
    },
  ],
  ['NaN-like numbers', '{"prompt": "x", "seed": 1e400, "image_b64": "AAAA"}'],
  ['a huge seed', { prompt: 'x', seed: 2 ** 70, image_b64: 'AAAA' }],
  ['base64 of nothing', { prompt: 'x', seed: 1, image_b64: '' }],
  ['a NUL in job_id', { prompt: 'x', seed: 1, image_b64: 'AAAA', job_id: 'a\u0000b' }],
  ['a backslash job_id', { prompt: 'x', seed: 1, image_b64: 'AAAA', job_id: '..\\..\\x' }],
  [
    'a data URL that is not an image',
    { prompt: 'x', seed: 1, image_b64: `data:image/png;base64,${Buffer.from('nope').toString('base64')}` },
  ],
];

test('a barrage of bad requests gets 4xx answers and the miner stays healthy', async ({ miner }) => {
  for (const [what, body] of GARBAGE) {
    const answer = await miner.edit(body);
    expect.soft(answer.status, `${what}: ${answer.bytes.toString('utf8').slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect.soft(answer.status, what).toBeLessThan(500);
  }
  expect((await miner.get('/health')).status).toBe(200);
});

test('a truncated PNG passes submission and fails its job with the reason', async ({ miner, imageB64 }) => {
  const png = Buffer.from(imageB64, 'base64');
  const { record } = await miner.run({ prompt: 'x', seed: 1, image_b64: png.subarray(0, Math.floor(png.length / 2)).toString('base64') });
  expect(record).toMatchObject({
    status: 'failed',
    error: expect.stringMatching(/Could not decode the input image/),
    failed_at: expect.any(String),
  });
});

test('unicode prompts and the ends of every range still edit', async ({ miner, imageB64 }) => {
  const { record } = await miner.run({
    prompt: '雪を降らせて 🌨️',
    seed: 0,
    image_b64: imageB64,
    guidance_scale: 1,
    num_inference_steps: 100,
  });
  expect(record.status).toBe('completed');
});
