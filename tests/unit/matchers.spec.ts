import { expect as baseExpect, test } from '@playwright/test';
import sharp from 'sharp';
import { inputImage } from '../../fixtures/input-image.ts';
import { matchers } from '../../fixtures/matchers/index.ts';
import { sampleImage } from '../../lib/images/sample-image.ts';
import { describeBytes, fileDigest } from '../../lib/wire-body.ts';

// Built here from the matchers' registry, not fixtures/index.ts: these tests need no miner, settings or callback server.
const expect = baseExpect.extend(matchers);

// Inputs typed by the matchers' own parameters, so these tests follow the matchers, not the fixtures that build the inputs.
type RawAnswer = Parameters<typeof matchers.toBeRefused>[0];

// A failing positive match must read as it always did (the fault matrix and the report tests grep these lines); a
// failing negated one must say what it expected not to see, never a positive rule's cause and fix.

/** The message an assertion fails with; it must fail. */
async function failureOf(assertion: () => unknown): Promise<string> {
  let error: unknown;
  try {
    await assertion();
  } catch (caught) {
    error = caught;
  }
  expect(error, 'the assertion should have failed').toBeInstanceOf(Error);
  return (error as Error).message;
}

function lines(message: string): string[] {
  return message.split('\n');
}

function rawAnswer(status: number, json: unknown): RawAnswer {
  const body = Buffer.from(JSON.stringify(json));
  return { status, contentType: 'application/json', body, text: body.toString('utf8'), json };
}

/** A one-colour 8×8 PNG; `compressionLevel` changes the file bytes and not the pixels. */
function solidPng(rgb: [number, number, number], compressionLevel = 9): Promise<Buffer> {
  return sharp({ create: { width: 8, height: 8, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png({ compressionLevel })
    .toBuffer();
}

const RED: [number, number, number] = [200, 30, 30];
const BLUE: [number, number, number] = [30, 30, 200];

test.describe('toBeSameImageAs', () => {
  test('a positive failure opens with its cause and fix, as before', async () => {
    const first = { label: 'first', png: await solidPng(RED) };
    const [blue, looseRed] = [await solidPng(BLUE), await solidPng(RED, 0)];
    const pixels = await failureOf(() => expect({ label: 'second', png: blue }).toBeSameImageAs(first));
    expect(lines(pixels).slice(0, 2)).toEqual([
      'Same request, different pixels: make the edit deterministic for a fixed seed (deterministic kernels, no unseeded noise), as validators replay jobs and compare file hashes.',
      'Expected: "second" byte-identical to "first" (validators compare the SHA-256 of the PNG file)',
    ]);
    const encoding = await failureOf(() => expect({ label: 'second', png: looseRed }).toBeSameImageAs(first));
    expect(lines(encoding)[0]).toBe(
      'Same request, same pixels, different PNG file bytes: write the PNG with fixed encoder settings and no per-run metadata (timestamps, text chunks), as validators compare file hashes.',
    );
  });

  test('negated, identical files read "Expected: not" with no cause and fix', async () => {
    const png = await solidPng(RED);
    const message = await failureOf(() => expect({ label: 'second', png }).not.toBeSameImageAs({ label: 'first', png }));
    expect(lines(message)).toEqual([
      'Expected: not "second" byte-identical to "first"',
      `Received: file bytes and pixels identical (SHA-256 ${fileDigest(png).slice(0, 12)}…)`,
    ]);
    expect(message).not.toContain('Same request');
  });
});

test.describe('toHaveSamePixelsAs', () => {
  test('a positive failure reads as before', async () => {
    const [first, second] = [
      { label: 'first', png: await solidPng(RED) },
      { label: 'second', png: await solidPng(BLUE) },
    ];
    const message = await failureOf(() => expect(second).toHaveSamePixelsAs(first));
    expect(lines(message)).toEqual([
      'Expected: "second" to have the pixels of "first"',
      'Received: 64 of 64 pixels (100 %) differ, largest channel delta 170',
    ]);
  });

  test('negated, the same pixels in other file bytes read "Expected: not" and blame no encoder', async () => {
    const [first, second] = [
      { label: 'first', png: await solidPng(RED) },
      { label: 'second', png: await solidPng(RED, 0) },
    ];
    const message = await failureOf(() => expect(second).not.toHaveSamePixelsAs(first));
    expect(lines(message)).toEqual(['Expected: not "second" to have the pixels of "first"', 'Received: pixels identical']);
  });
});

test.describe('toDifferVisiblyFrom', () => {
  test('a positive failure reads as before', async () => {
    const png = await solidPng(RED);
    const message = await failureOf(() => expect({ label: 'second', png }).toDifferVisiblyFrom({ label: 'first', png }));
    expect(lines(message)).toEqual([
      'Expected: "second" to differ from "first" in more than 1 % of the pixels',
      'Received: file bytes and pixels identical',
    ]);
  });

  test('negated, a visible difference reads "Expected: not"', async () => {
    const [first, second] = [
      { label: 'first', png: await solidPng(RED) },
      { label: 'second', png: await solidPng(BLUE) },
    ];
    const message = await failureOf(() => expect(second).not.toDifferVisiblyFrom(first));
    expect(lines(message)).toEqual([
      'Expected: not "second" to differ from "first" in more than 1 % of the pixels',
      'Received: 64 of 64 pixels (100 %) differ, largest channel delta 170',
    ]);
  });
});

test.describe('toBeRefused', () => {
  const seedRefused = rawAnswer(422, { detail: [{ loc: ['body', 'seed'], msg: 'Input should be a valid integer', type: 'int_parsing' }] });
  const positiveLine = 'Expected: the request refused with 422 and a FastAPI validation error whose detail names body.seed';

  test('a positive failure reads as before', async () => {
    const message = await failureOf(() => expect(rawAnswer(400, { detail: 'bad seed' })).toBeRefused(422, { loc: ['body', 'seed'] }));
    expect(lines(message)[0]).toBe(positiveLine);
  });

  test('negated, the refusal it names reads "Expected: not"', async () => {
    const message = await failureOf(() => expect(seedRefused).not.toBeRefused(422, { loc: ['body', 'seed'] }));
    expect(lines(message)).toEqual([
      'Expected: not the request refused with 422 and a FastAPI validation error whose detail names body.seed',
      `Received: 422 ${describeBytes(seedRefused.body)}`,
    ]);
    expect(message).not.toContain(positiveLine);
  });
});

test.describe('toNotKnowJob', () => {
  const minerAnswering = (answer: RawAnswer) =>
    ({ statusAnswer: () => Promise.resolve(answer) }) as unknown as Parameters<typeof matchers.toNotKnowJob>[0];
  const positiveLine = 'Expected: GET /edit/status/job-1 answers 404, as a refused request never becomes a job';

  test('a positive failure reads as before', async () => {
    const message = await failureOf(() => expect(minerAnswering(rawAnswer(200, { status: 'pending' }))).toNotKnowJob('job-1'));
    expect(lines(message)[0]).toBe(positiveLine);
  });

  test('negated, a 404 reads "Expected: not 404" without the refusal rule', async () => {
    const notFound = rawAnswer(404, { detail: 'Job not found' });
    const message = await failureOf(() => expect(minerAnswering(notFound)).not.toNotKnowJob('job-1'));
    expect(lines(message)).toEqual([
      'Expected: not 404 from GET /edit/status/job-1 (the miner knows the job)',
      `Received: 404 ${describeBytes(notFound.body)}`,
    ]);
    expect(message).not.toContain('a refused request never becomes a job');
  });
});

test.describe('toCarryResultImage', () => {
  const receiptWith = (image: Buffer) =>
    ({ hasImage: true, image, imageSize: image.length }) as Parameters<typeof matchers.toCarryResultImage>[0];

  test('a positive failure reads as before', async () => {
    const png = await solidPng(RED);
    const message = await failureOf(() => expect(receiptWith(Buffer.from('not the result'))).toCarryResultImage({ jobId: 'job-1', png }));
    expect(lines(message)).toEqual([
      `Expected: the callback image of job job-1 to be the bytes of GET /edit/result/job-1 (${png.length} bytes, SHA-256 ${fileDigest(png).slice(0, 12)}…)`,
      `Received: 14 bytes, SHA-256 ${fileDigest(Buffer.from('not the result')).slice(0, 12)}…`,
    ]);
  });

  test('negated, the result file reads "Expected: not"', async () => {
    const png = await solidPng(RED);
    const message = await failureOf(() => expect(receiptWith(png)).not.toCarryResultImage({ jobId: 'job-1', png }));
    expect(lines(message)[0]).toBe(
      `Expected: not the callback image of job job-1 to be the bytes of GET /edit/result/job-1 (${png.length} bytes, SHA-256 ${fileDigest(png).slice(0, 12)}…)`,
    );
  });
});

test.describe('toBeTurnedAway', () => {
  type InputRejection = Parameters<typeof matchers.toBeTurnedAway>[0];
  const what = 'an edit whose image_b64 is empty';
  const positiveLine = `Expected: ${what} refused with 400 and never a job (seed protocol), or accepted and then failed with an error and a failure callback (later revision)`;
  const refused = (status: number): InputRejection => ({
    what,
    jobId: 'job-2',
    answer: rawAnswer(status, { detail: 'image_b64 is empty' }),
    statusAfterRefusal: rawAnswer(404, { detail: 'Job not found' }),
  });

  test('a positive failure reads as before', async () => {
    const message = await failureOf(() => expect(refused(500)).toBeTurnedAway());
    expect(lines(message)[0]).toBe(positiveLine);
  });

  test('negated, a refusal with 400 reads "Expected: not" and names what came, not an empty list of problems', async () => {
    const rejection = refused(400);
    const message = await failureOf(() => expect(rejection).not.toBeTurnedAway());
    expect(lines(message)).toEqual([
      `Expected: not ${what} refused with 400 and never a job (seed protocol), nor accepted and then failed with an error and a failure callback (later revision)`,
      `Received: answered 400 with ${describeBytes(rejection.answer.body)}`,
    ]);
    expect(message).not.toContain(positiveLine);
  });

  test('negated, an accepted job that failed with a reason reads "Expected: not" and names the error', async () => {
    const rejection = {
      what,
      jobId: 'job-3',
      answer: rawAnswer(202, { job_id: 'job-3', status: 'accepted' }),
      record: { status: 'failed', error: 'cannot decode image_b64' },
      callback: { fields: { status: 'failed', error: 'cannot decode image_b64' } },
    } as unknown as InputRejection;
    const message = await failureOf(() => expect(rejection).not.toBeTurnedAway());
    expect(lines(message)[1]).toBe('Received: accepted (202), then failed with the error "cannot decode image_b64"');
    expect(message).not.toContain(positiveLine);
  });
});

test.describe('toBeSanePictureOf', () => {
  const positiveLine = 'Expected: "edit" a sane edit of "sample" (not mostly black, not flat, not partially rendered, the scene kept)';

  test('a positive failure reads as before', async () => {
    const input = inputImage('sample', await sampleImage({ width: 32, height: 32 }));
    const black = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    const message = await failureOf(() => expect({ label: 'edit', png: black }).toBeSanePictureOf(input));
    expect(lines(message)[0]).toBe(positiveLine);
  });

  test('negated, a sane picture reads "Expected: not" and says no problem was found', async () => {
    const png = await sampleImage({ width: 32, height: 32 });
    const message = await failureOf(() => expect({ label: 'edit', png }).not.toBeSanePictureOf(inputImage('sample', png)));
    expect(lines(message)).toEqual([
      'Expected: not "edit" a sane edit of "sample" (not mostly black, not flat, not partially rendered, the scene kept)',
      'Received: a sane edit: none of these problems, and the scene kept',
    ]);
  });
});

test.describe('toBeAnsweredByProxy', () => {
  type ProxyProbe = Parameters<typeof matchers.toBeAnsweredByProxy>[0];
  const health = (answer: RawAnswer): ProxyProbe => ({
    what: "GET / as validators' health check sends it (10 s deadline)",
    answer,
    consequence: 'validators mark the miner unhealthy',
  });
  const fix = 'have the proxy answer GET / itself';

  test('a positive failure reads as before', async () => {
    const bad = rawAnswer(502, { detail: 'bad gateway' });
    const message = await failureOf(() => expect(health(bad)).toBeAnsweredByProxy(200, fix));
    expect(message).toBe(
      `GET / as validators' health check sends it (10 s deadline) should answer 200, but the proxy answered 502 with ${describeBytes(bad.body)}: ` +
        `validators mark the miner unhealthy; ${fix}.`,
    );
  });

  test('negated, the answer the rule names reads "should not" with no consequence or fix', async () => {
    const ok = rawAnswer(200, { status: 'ok' });
    const message = await failureOf(() => expect(health(ok)).not.toBeAnsweredByProxy(200, fix));
    expect(message).toBe(
      `GET / as validators' health check sends it (10 s deadline) should not answer 200, but the proxy answered 200 with ${describeBytes(ok.body)}.`,
    );
    expect(message).not.toContain('unhealthy');
    expect(message).not.toContain(fix);
  });

  test("negated, a refusal that left no job names the miner's 404 too", async () => {
    const refused = rawAnswer(401, { detail: 'unsigned' });
    const probe: ProxyProbe = { what: 'an unsigned POST /edit', answer: refused, jobId: 'job-4', statusOnMiner: 404 };
    const message = await failureOf(() => expect(probe).not.toBeAnsweredByProxy(401, 'sign the request'));
    expect(message).toBe(
      `an unsigned POST /edit should not be refused with 401 and never become a job, but the proxy answered 401 with ${describeBytes(refused.body)} ` +
        "and the miner's GET /edit/status/job-4 answers 404.",
    );
  });
});
