import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import {
  BASE_EDIT,
  expect,
  inputImage,
  inputShapePairs,
  plannedEdits,
  readLater,
  test,
  type EditOutcome,
  type HostedInput,
  type InputImage,
} from '../fixtures/index.ts';

// Later revision: the miner downloads image_url (30 s in all, the whole body) and edits it exactly as the
// same image sent as base64; the URL wins over image_b64, and a failed download falls back to it.

test.beforeEach(({ revision, callbacks }) => {
  test.skip(!revision.imageUrl, 'later protocol only: this miner does not declare image_url');
  test.skip(
    callbacks.kind === 'external',
    'the suite serves image_url inputs from its own receiver, and ASYNC_USE_EXTERNAL_CALLBACK=true runs none',
  );
});

// Each image_url edit is the base edit's request with the input moved to a URL, so the base edit is its twin.
const SEED = BASE_EDIT.fields.seed;

test(
  'an image_url input is fetched and edited exactly as the same image sent as base64, and wins over image_b64',
  { tag: '@image-url-fetched', annotation: plannedEdits(10, 10, BASE_EDIT) },
  async ({ miner, callbacks, sample, decoy }) => {
    const url = callbacks.hostInput!({ body: sample.bytes, contentType: sample.contentType });
    const [byUrl, urlOverDecoy, byBase64] = await Promise.all([
      miner.edit({ ...BASE_EDIT.fields, image_url: url, image_b64: undefined }, { label: 'input by image_url' }),
      miner.edit({ ...BASE_EDIT.fields, image_url: url, image_b64: decoy.b64 }, { label: 'image_url beside a decoy image_b64' }),
      miner.sharedEdit(BASE_EDIT),
    ]);
    expect.soft(byUrl.record.request.image_source, 'image_source of an image_url job').toBe('url');
    expect.soft(urlOverDecoy.record.request.image_source, 'image_source when both are sent').toBe('url');
    await expect.soft(byUrl).toBeSameImageAs(byBase64);
    await expect.soft(urlOverDecoy).toBeSameImageAs(byBase64);
  },
);

test(
  'an image_url that answers 404 or serves no image falls back to image_b64',
  { tag: '@image-url-fallback', annotation: plannedEdits(10, 10, BASE_EDIT) },
  async ({ miner, callbacks }) => {
    const missing = callbacks.hostInput!({ body: Buffer.from('{"detail":"Not Found"}'), contentType: 'application/json', status: 404 });
    const notAnImage = callbacks.hostInput!({ body: Buffer.from('<html>a login page</html>'), contentType: 'text/html' });
    const [after404, afterHtml, direct] = await Promise.all([
      miner.edit({ ...BASE_EDIT.fields, image_url: missing }, { label: 'fallback after a 404' }),
      miner.edit({ ...BASE_EDIT.fields, image_url: notAnImage }, { label: 'fallback after an HTML page' }),
      miner.sharedEdit(BASE_EDIT),
    ]);
    for (const fallback of [after404, afterHtml])
      await test.step(fallback.label, async () => {
        expect.soft(fallback.record.request.image_source, 'image_source').toBe('url_fallback_to_base64');
        await expect.soft(fallback).toBeSameImageAs(direct);
      });
  },
);

test(
  'an image_url that fails with no image_b64 fails the job, which calls back failed with an error',
  { tag: '@image-url-failure', annotation: plannedEdits(10) },
  async ({ miner, callbacks }) => {
    const missing = callbacks.hostInput!({ body: Buffer.from('gone'), contentType: 'text/plain', status: 404 });
    const request = miner.requestBody({ seed: SEED, image_url: missing, image_b64: undefined });
    await miner.submit(request);
    const record = await miner.waitForEnd(request.job_id);
    expect(record.status, 'status of a job whose download failed').toBe('failed');
    expect(record.error, 'error on the record').toBeTruthy();
    const receipt = await callbacks.waitFor(request.job_id);
    expect(receipt.fields, 'failure callback').toMatchObject({ job_id: request.job_id, status: 'failed' });
    expect(receipt.fields.error, "the failure callback's error").toBeTruthy();
  },
);

test(
  'image_url served like a real host: a large image, a slow answer, a JPEG with EXIF orientation',
  { tag: ['@image-url-real-host', '@slow'], annotation: plannedEdits(10, 10, 10, 10, 10) },
  async ({ miner, callbacks }) => {
    const large = await largeNoisyPng();
    const exif = (await inputShapePairs()).find((pair) => pair.input.label.startsWith('JPEG with EXIF'))!;
    const cases: { rule: string; input: InputImage; delayMs?: number; twin?: InputImage }[] = [
      { rule: `a large image (${(large.bytes.length / 1e6).toFixed(1)} MB) is read whole`, input: large },
      { rule: 'a host answering after 3 s, within the 30 s download', input: exif.twin, delayMs: 3_000 },
      { rule: 'a JPEG with an EXIF orientation is edited as stored, not rotated', input: exif.input, twin: exif.twin },
    ];
    // An input sent by base64 is edited once, however many cases compare with it.
    const byBase64 = new Map<InputImage, Promise<EditOutcome>>();
    const edits = cases.map(({ input, delayMs, twin }) => {
      const url = callbacks.hostInput!({ body: input.bytes, contentType: input.contentType, delayMs });
      const expected = twin ?? input;
      if (!byBase64.has(expected))
        byBase64.set(expected, miner.edit({ seed: SEED, image_b64: expected.b64 }, { label: `${expected.label} by base64` }));
      return readLater(
        Promise.all([
          miner.edit({ seed: SEED, image_url: url, image_b64: undefined }, { label: `${input.label} by URL` }),
          byBase64.get(expected)!,
        ]),
      );
    });
    for (const [i, { rule }] of cases.entries())
      await test.step(rule, async () => {
        const [byUrl, byBase64] = await edits[i]!;
        expect.soft(byUrl.record.request.image_source, 'image_source').toBe('url');
        await expect.soft(byUrl).toBeSameImageAs(byBase64);
      });
  },
);

/** What an image host does, what the miner must do about it, and the input it serves so. */
type HostBehaviour = { did: string; must: string; hosted: (image: InputImage) => HostedInput };

const SIGNED_OBJECT = 'bucket/inputs/photo.png';
// Two signatures of one object path: only the query tells the images apart, as with presigned object storage.
const signedQuery = (signature: string) =>
  `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=${signature.repeat(64).slice(0, 64)}`;

const HOSTS: HostBehaviour[] = [
  {
    did: 'answered 301, 302, 303, 307 and 308 in turn before the image',
    must: 'follow redirects to the image',
    hosted: (image) => ({ body: image.bytes, redirects: [301, 302, 303, 307, 308] }),
  },
  {
    did: 'served the image under a signed URL whose query string is its signature',
    must: 'fetch the URL exactly as given, query string included',
    hosted: (image) => ({ body: image.bytes, signed: { object: SIGNED_OBJECT, query: signedQuery('a') } }),
  },
  {
    did: 'labelled the image application/octet-stream',
    must: 'judge the answer by decoding its bytes, not by its Content-Type',
    hosted: (image) => ({ body: image.bytes, contentType: 'application/octet-stream' }),
  },
  {
    did: 'sent the image with no Content-Type',
    must: 'judge the answer by decoding its bytes, not by its Content-Type',
    hosted: (image) => ({ body: image.bytes, contentType: null }),
  },
  {
    did: 'sent the image chunked, with no Content-Length',
    must: 'read the answer to its end whatever its headers say of its length',
    hosted: (image) => ({ body: image.bytes, chunked: true }),
  },
];

test(
  'image_url served as object storage and CDNs serve it: redirects, signed URLs, octet-stream or no type, chunked',
  { tag: ['@image-url-as-hosts-serve', '@slow'], annotation: plannedEdits(...HOSTS.map(() => 10), 10, BASE_EDIT) },
  async ({ miner, callbacks, sample, decoy }) => {
    // The sample by URL is the base edit's request with the input moved, so the base edit is every case's twin.
    const byUrl = (url: string, label: string, { did, must }: Pick<HostBehaviour, 'did' | 'must'>) =>
      readLater(
        miner.edit({ ...BASE_EDIT.fields, image_url: url, image_b64: undefined }, { label: label }).catch((error: Error) => {
          throw new Error(`The image host ${did}, and the miner must ${must}, but ${lowerFirst(error.message)}`);
        }),
      );
    const edits = HOSTS.map((host) => byUrl(callbacks.hostInput!(host.hosted(sample)), `input when the host ${host.did}`, host));
    const otherSignature = {
      did: 'served another image at the same object path under another signature',
      must: 'fetch the URL exactly as given, query string included, and never reuse an image fetched for another URL',
    };
    const otherSigned = byUrl(
      callbacks.hostInput!({ body: decoy.bytes, signed: { object: SIGNED_OBJECT, query: signedQuery('b') } }),
      'decoy under the same path, another signature',
      otherSignature,
    );
    const base = await miner.sharedEdit(BASE_EDIT);
    for (const [i, { did }] of HOSTS.entries())
      await test.step(`the host ${did}`, async () => {
        const edited = await edits[i]!;
        expect.soft(edited.record.request.image_source, `image_source when the host ${did}`).toBe('url');
        await expect.soft(edited).toBeSameImageAs(base);
      });

    await test.step(`the host ${otherSignature.did}`, async () => expect.soft(await otherSigned).toDifferVisiblyFrom(base));
  },
);

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** A photo-sized PNG that does not compress: several MB, as a phone picture would be. */
async function largeNoisyPng(): Promise<InputImage> {
  const width = 2_000;
  const height = 1_500;
  const noise = randomBytes(width * height * 3);
  return inputImage(
    'large 2000×1500 photo',
    await sharp(noise, { raw: { width, height, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer(),
  );
}
