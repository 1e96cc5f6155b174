import { test as base, expect } from '@playwright/test';
import getPort from 'get-port';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExternalCallbackInbox } from '../../fixtures/callbacks/external-inbox.ts';
import type { CallbackReceipt } from '../../lib/callback-receipt.ts';
import { CallbackServer } from '../../lib/callback-server.ts';
import { CallbackNotReceivedError } from '../../lib/callback-misses.ts';
import type { JobRecord } from '../../protocol/edit-job.ts';
import { CallbackListingSchema } from '../../protocol/listings.ts';

const test = base.extend<{ receiver: CallbackServer }>({
  receiver: async ({}, use) => {
    const receiver = await CallbackServer.start({ host: '127.0.0.1', port: 0 });
    await use(receiver);
    await receiver.close();
  },
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const COMPLETED_AT = '2025-01-31T12:00:00.123456';

function completedFields(jobId: string): Record<string, string> {
  return { job_id: jobId, status: 'completed', completed_at: COMPLETED_AT, image_url: `http://miner:8091/images/${jobId}.png` };
}

function failedFields(jobId: string): Record<string, string> {
  return { job_id: jobId, status: 'failed', completed_at: COMPLETED_AT, error: 'cannot identify image file' };
}

/** POSTs a callback as the miner does on success: multipart, the image as file part `image`. */
function postMultipart(
  url: string,
  fields: Record<string, string>,
  image?: Buffer,
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (image) form.append('image', new Blob([new Uint8Array(image)], { type: 'image/png' }), `${fields.job_id}.png`);
  return fetch(url, { method: 'POST', body: form, headers });
}

/** POSTs a callback as the miner does on failure: urlencoded, no file part. */
function postUrlencoded(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(fields), headers });
}

function postRaw(url: string, body: string | Buffer, contentType?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: contentType ? { 'content-type': contentType } : {},
  });
}

test.describe('recording callbacks', () => {
  test('a multipart success callback: fields, image bytes, secret, headers and the original answer', async ({ receiver }) => {
    const before = Date.now();
    const answer = await postMultipart(`${receiver.baseUrl}/callback`, completedFields('job-1'), PNG, {
      'X-Callback-Secret': 's3cret',
      'X-Trace': 'abc',
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'success', job_id: 'job-1' });

    const [receipt] = receiver.receivedNow('job-1');
    expect(receipt).toMatchObject({
      source: 'receiver',
      jobId: 'job-1',
      urlJobId: undefined,
      method: 'POST',
      path: '/callback',
      fields: completedFields('job-1'),
      secret: 's3cret',
      encoding: 'multipart',
      imageFilename: 'job-1.png',
      imageContentType: 'image/png',
      hasImage: true,
      imageSize: PNG.length,
      parseError: undefined,
      schemaError: undefined,
      problem: undefined,
      answeredWith: 200,
    });
    expect(receipt!.image?.equals(PNG)).toBe(true);
    expect(receipt!.headers['x-trace']).toBe('abc');
    expect(receipt!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(receipt!.receivedAtMs).toBeGreaterThanOrEqual(before - 1);
    expect(receipt!.receivedAtMs).toBeLessThanOrEqual(Date.now() + 1);
    expect(Date.parse(receipt!.receivedAt)).toBe(Math.floor(receipt!.receivedAtMs));
  });

  test('a urlencoded failure callback, with no image, keeps the protocol', async ({ receiver }) => {
    const answer = await postUrlencoded(`${receiver.baseUrl}/callback`, failedFields('job-2'), { 'X-Callback-Secret': 's3cret' });
    expect(answer.status).toBe(200);
    expect(receiver.receivedNow('job-2')).toEqual([
      expect.objectContaining({
        encoding: 'urlencoded',
        fields: failedFields('job-2'),
        secret: 's3cret',
        hasImage: false,
        image: undefined,
        imageSize: undefined,
        problem: undefined,
      }),
    ]);
  });

  test('JSON, garbage, an empty body and a wrong content type are recorded, and the receiver keeps working', async ({ receiver }) => {
    const url = `${receiver.baseUrl}/callback`;
    expect((await postRaw(url, JSON.stringify(completedFields('json-job')), 'application/json')).status).toBe(200);
    expect((await postRaw(url, 'garbage', 'multipart/form-data; boundary=xyz')).status).toBe(400);
    expect((await postRaw(url, Buffer.from([0, 1, 2, 3]), 'application/octet-stream')).status).toBe(400);
    expect((await postRaw(url, '')).status).toBe(400);
    expect((await postRaw(url, '{not json', 'application/json')).status).toBe(400);
    expect((await postMultipart(url, completedFields('after'), PNG)).status).toBe(200);

    const [json, multipartGarbage, binary, empty, brokenJson, after] = receiver.receivedNow();
    expect(json).toMatchObject({ encoding: 'json', jobId: 'json-job', parseError: undefined, hasImage: false });
    expect(json!.problem).toBe(
      'The callback for job json-job breaks the protocol: it came as JSON, but the protocol sends form fields (validators read a form and would refuse it); it has no image file part.',
    );
    expect(multipartGarbage).toMatchObject({ encoding: 'multipart', jobId: undefined, fields: {} });
    expect(multipartGarbage!.parseError).toBe(
      'The body is declared multipart/form-data but could not be parsed; it holds 7 bytes of text beginning `garbage`.',
    );
    expect(binary!.parseError).toBe(
      'Expected multipart/form-data or application/x-www-form-urlencoded, but the callback came with the content-type "application/octet-stream" and 4 bytes beginning 00 01 02 03 ("....").',
    );
    expect(empty).toMatchObject({ encoding: 'other', bodySize: 0 });
    expect(empty!.parseError).toContain('came with the content-type "text/plain;charset=UTF-8" and an empty buffer (0 bytes)');
    expect(brokenJson!.parseError).toBe(
      'The body is declared application/json but is not JSON; it holds 9 bytes of text beginning `{not json`.',
    );
    expect(after).toMatchObject({ jobId: 'after', problem: undefined });
  });

  test('a body over the limit is answered 413 and recorded with its size', async () => {
    const receiver = await CallbackServer.start({ host: '127.0.0.1', port: 0, maxBodyBytes: 1024 });
    try {
      const answer = await postUrlencoded(receiver.track('big'), { job_id: 'big', padding: 'x'.repeat(5000) });
      expect(answer.status).toBe(413);
      const [receipt] = receiver.receivedNow('big');
      expect(receipt).toMatchObject({ urlJobId: 'big', jobId: undefined, bodySize: 5019, answeredWith: 413 });
      expect(receipt!.body?.length).toBe(1024);
      expect(receipt!.parseError).toBe("The body of 5019 bytes exceeds the receiver's limit of 1024 bytes.");
    } finally {
      await receiver.close();
    }
  });

  test('a connection that drops midway is recorded against the job of its URL', async ({ receiver }) => {
    const arrived = receiver.waitFor('cut', { timeoutMs: 5_000 });
    const request = httpRequest(receiver.track('cut'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '1000' },
    });
    request.on('error', () => {}); // the test itself destroys this request
    request.write('job_id=cut', () => request.destroy());
    const receipt = await arrived;
    expect(receipt).toMatchObject({ urlJobId: 'cut', jobId: undefined, encoding: 'urlencoded', answeredWith: undefined });
    expect(receipt.parseError).toBe('The connection closed after 10 bytes, before the body ended.');
  });

  test('fields that break the schema are kept raw and named in one sentence', async ({ receiver }) => {
    await postMultipart(`${receiver.baseUrl}/callback`, { job_id: 'odd', status: 'completed', completed_at: 'yesterday' });
    await postMultipart(`${receiver.baseUrl}/callback`, { job_id: 'odder', status: 'done' });
    const [odd, odder] = receiver.receivedNow();
    expect(odd).toMatchObject({ fields: { job_id: 'odd', status: 'completed', completed_at: 'yesterday' } });
    expect(odd!.schemaError).toBe(
      'completed_at is "yesterday", not an ISO-8601 date-time such as 2025-01-31T12:00:00.000000, image_url is missing',
    );
    expect(odd!.problem).toBe(
      'The callback for job odd breaks the protocol: its fields break the protocol: completed_at is "yesterday", not an ISO-8601 date-time such as 2025-01-31T12:00:00.000000, image_url is missing; it has no image file part.',
    );
    expect(odder!.schemaError).toBe('status is "done", not "completed" or "failed"');
  });

  test('an image sent without a filename or under another name is pointed out', async ({ receiver }) => {
    const url = `${receiver.baseUrl}/callback`;
    const form = new FormData();
    for (const [name, value] of Object.entries(completedFields('text-image'))) form.append(name, value);
    form.append('image', 'not a file');
    await fetch(url, { method: 'POST', body: form });
    const renamed = new FormData();
    for (const [name, value] of Object.entries(completedFields('renamed'))) renamed.append(name, value);
    renamed.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'renamed.png');
    await fetch(url, { method: 'POST', body: renamed });
    const empty = new FormData();
    for (const [name, value] of Object.entries(completedFields('empty'))) empty.append(name, value);
    empty.append('image', new Blob([]), 'empty.png');
    await fetch(url, { method: 'POST', body: empty });

    expect(receiver.receivedNow('text-image')[0]!.problem).toContain(
      'an "image" part came without a filename, so it arrived as a text field',
    );
    const [renamedReceipt] = receiver.receivedNow('renamed');
    expect(renamedReceipt!.problem).toContain('it has no image file part (it sent file part "file" instead of "image")');
    expect(renamedReceipt!.files).toEqual([{ field: 'file', filename: 'renamed.png', contentType: 'image/png', bytes: PNG }]);
    expect(receiver.receivedNow('empty')[0]).toMatchObject({ hasImage: true, imageSize: 0 });
    expect(receiver.receivedNow('empty')[0]!.problem).toContain('its image part is empty, which validators refuse');
  });

  test('a job_id that differs from the job of the URL is pointed out, and both find the receipt', async ({ receiver }) => {
    await postMultipart(receiver.track('mine'), completedFields('theirs'), PNG);
    expect(receiver.receivedNow('mine')).toHaveLength(1);
    expect(receiver.receivedNow('theirs')).toHaveLength(1);
    expect(receiver.receivedNow('mine')[0]!.problem).toBe(
      'The callback for job theirs breaks the protocol: its job_id "theirs" is not the job mine whose callback URL it was sent to.',
    );
  });

  test('other routes answer 404 and 405 without recording', async ({ receiver }) => {
    expect((await fetch(`${receiver.baseUrl}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${receiver.baseUrl}/callback`)).status).toBe(405);
    expect(receiver.receivedNow()).toEqual([]);
  });
});

test.describe('callback URLs and ports', () => {
  test('the job goes in the callback URL path, encoded', async ({ receiver }) => {
    expect(receiver.track('edit 1/2')).toBe(`http://127.0.0.1:${receiver.address.port}/callback/edit%201%2F2`);
    expect(`${receiver.baseUrl}/callback`).toBe(`http://127.0.0.1:${receiver.address.port}/callback`);
    await postMultipart(receiver.track('edit 1/2'), completedFields('edit 1/2'), PNG);
    expect(receiver.receivedNow('edit 1/2')[0]).toMatchObject({ urlJobId: 'edit 1/2', jobId: 'edit 1/2', path: '/callback/edit%201%2F2' });
  });

  test('starts on a port from get-port, serves a public host, and names a taken port in a sentence', async () => {
    const port = await getPort();
    const receiver = await CallbackServer.start({ host: '0.0.0.0', port, publicHost: '172.18.0.1' });
    try {
      expect(receiver.address).toEqual({ host: '0.0.0.0', port });
      expect(receiver.track('a')).toBe(`http://172.18.0.1:${port}/callback/a`);
      await expect(CallbackServer.start({ host: '127.0.0.1', port })).rejects.toThrow(
        `The callback receiver could not listen on 127.0.0.1:${port} (EADDRINUSE): another process holds the port`,
      );
    } finally {
      await receiver.close();
    }
  });
});

test.describe('waiting', () => {
  test('resolves at once with a callback that already arrived', async ({ receiver }) => {
    await postMultipart(`${receiver.baseUrl}/callback`, completedFields('early'), PNG);
    const receipt = await receiver.waitFor('early', { timeoutMs: 1 });
    expect(receipt.jobId).toBe('early');
  });

  test('resolves when the callback arrives later', async ({ receiver }) => {
    const waiting = receiver.waitFor('later', { timeoutMs: 5_000 });
    const second = receiver.waitFor('later', { timeoutMs: 5_000 });
    await postUrlencoded(`${receiver.baseUrl}/callback`, failedFields('later'));
    const [receipt, same] = await Promise.all([waiting, second]);
    expect(receipt.fields.status).toBe('failed');
    expect(same).toBe(receipt);
  });

  test('at its deadline names the job, the wait, the URL and what came instead', async ({ receiver }) => {
    const url = receiver.track('wanted');
    await postMultipart(`${receiver.baseUrl}/callback`, completedFields('other-1'), PNG);
    await postUrlencoded(`${receiver.baseUrl}/callback`, failedFields('other-2'));
    await postRaw(`${receiver.baseUrl}/callback`, 'junk', 'text/plain');
    const error = await receiver.waitFor('wanted', { timeoutMs: 150 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CallbackNotReceivedError);
    expect((error as Error).message).toBe(
      `No callback for job wanted arrived within 0.15 s at ${url}; the receiver got 3 other callbacks instead: ` +
        'job other-1 (status completed), job other-2 (status failed), a non-form body without job_id (Expected multipart/form-data or application/x-www-form-urlencoded, but the callback came with the content-type "text/plain" and 4 bytes of text beginning `junk`); ' +
        'check the job_id the miner sends and that the job has ended.',
    );
    expect((error as Error).stack, 'the stack points at the waiting test').toContain('callback-receiver.spec.ts');
  });

  test('with nothing received, the deadline sentence points at the Docker gateway', async ({ receiver }) => {
    const error = await receiver.waitFor('lonely', { timeoutMs: 50 }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `No callback for job lonely arrived within 0.05 s at ${receiver.baseUrl}/callback; the receiver got nothing at all: ` +
        `a miner in Docker cannot reach 127.0.0.1, so set ASYNC_CALLBACK_BASE_URL to the Docker network's gateway (e.g. http://172.18.0.1:${receiver.address.port}, from "docker network inspect <project>_default"), or check that the job has ended.`,
    );
  });

  test("a wait ends as soon as the job's record says the miner could not deliver, quoting its error", async () => {
    const failed = {
      status: 'failed',
      attempted_at: COMPLETED_AT,
      payload_status: 'completed',
      error: 'connect ECONNREFUSED 192.0.2.1:19660',
    };
    const record = { request: { callback_url: 'http://192.0.2.1:19660/callback/job-1' }, callback: failed } as unknown as JobRecord;
    const receiver = await CallbackServer.start({ host: '127.0.0.1', port: 0, readRecord: () => Promise.resolve(record) });
    try {
      const started = performance.now();
      const error = (await receiver.waitFor('job-1', { timeoutMs: 10_000 }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(CallbackNotReceivedError);
      expect(error.message).toBe(
        `No callback for job job-1: The miner could not deliver a callback to http://192.0.2.1:19660/callback/job-1: its record says callback failed ("connect ECONNREFUSED 192.0.2.1:19660"); set ASYNC_CALLBACK_BASE_URL to an address of this machine the miner can reach; a miner in Docker reaches it through its network's gateway (docker network inspect <project>_default → IPAM.Config[0].Gateway, e.g. http://172.18.0.1:8092).`,
      );
      // A tenth of its 10 s deadline: it ended on the record, not on the clock.
      expect(performance.now() - started).toBeLessThan(1_000);
    } finally {
      await receiver.close();
    }
  });

  test('a record that says delivered, or none yet, leaves the waits to the callback; two waits share one watch', async () => {
    let reads = 0;
    const readRecord = () => Promise.resolve({ callback: ++reads > 2 ? { status: 'delivered' } : null } as unknown as JobRecord);
    const receiver = await CallbackServer.start({ host: '127.0.0.1', port: 0, readRecord });
    try {
      const waiting = [receiver.waitFor('late', { timeoutMs: 5_000 }), receiver.waitFor('late', { timeoutMs: 5_000 })];
      await expect.poll(() => reads, 'record reads until it says delivered').toBe(3);
      await postUrlencoded(`${receiver.baseUrl}/callback`, failedFields('late'));
      expect((await Promise.all(waiting)).map((receipt) => receipt.jobId)).toEqual(['late', 'late']);
      expect(reads, 'no read once the record said what became of the callback').toBe(3);
    } finally {
      await receiver.close();
    }
  });

  test('reset rejects pending waits and forgets what came', async ({ receiver }) => {
    await postMultipart(`${receiver.baseUrl}/callback`, completedFields('old'), PNG);
    const pending = [receiver.waitFor('x', { timeoutMs: 30_000 }), receiver.waitFor('y', { timeoutMs: 30_000 })].map((wait) =>
      wait.catch((e: Error) => e.message),
    );
    receiver.reset();
    expect(await Promise.all(pending)).toEqual([
      'Callback for job x was not received before the test finished.',
      'Callback for job y was not received before the test finished.',
    ]);
    expect(receiver.receivedNow()).toEqual([]);
    expect(await receiver.received()).toEqual([]);
  });
});

test.describe('programmed answers', () => {
  test("respondWith makes one job's callback answer 500; others still get 200", async ({ receiver }) => {
    receiver.respondWith('broken', 500);
    const broken = await postMultipart(`${receiver.baseUrl}/callback`, completedFields('broken'), PNG);
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ status: 'error', job_id: 'broken', detail: 'answered 500 as the test asked' });
    expect((await postMultipart(`${receiver.baseUrl}/callback`, completedFields('fine'), PNG)).status).toBe(200);
    expect(receiver.receivedNow('broken')[0]!.answeredWith).toBe(500);
  });

  test('respondWith can hang up, set a body, and run a hook before answering', async ({ receiver }) => {
    receiver.respondWith('gone', { status: 200, hangUp: true });
    await expect(postMultipart(`${receiver.baseUrl}/callback`, completedFields('gone'), PNG)).rejects.toThrow();
    expect(receiver.receivedNow('gone')[0]!.answeredWith).toBeUndefined();

    let answered = false;
    let seenBeforeAnswer: { answered: boolean; receipt: CallbackReceipt } | undefined;
    receiver.respondWith('hooked', {
      status: 202,
      body: { ok: 1 },
      beforeAnswer: (receipt) => {
        seenBeforeAnswer = { answered, receipt };
      },
    });
    const answer = await postMultipart(`${receiver.baseUrl}/callback`, completedFields('hooked'), PNG);
    answered = true;
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ ok: 1 });
    expect(seenBeforeAnswer?.answered).toBe(false);
    expect(seenBeforeAnswer?.receipt.jobId).toBe('hooked');
  });

  test('reset forgets programmed answers', async ({ receiver }) => {
    receiver.respondWith('again', 503);
    receiver.reset();
    expect((await postMultipart(`${receiver.baseUrl}/callback`, completedFields('again'), PNG)).status).toBe(200);
  });
});

test.describe('listing', () => {
  test("GET /callbacks lists in the original receiver's shape", async ({ receiver }) => {
    await postMultipart(`${receiver.baseUrl}/callback`, completedFields('listed-1'), PNG, { 'X-Callback-Secret': 'abc' });
    await postUrlencoded(`${receiver.baseUrl}/callback`, failedFields('listed-2'));
    const answer = await fetch(`${receiver.baseUrl}/callbacks`);
    expect(answer.status).toBe(200);
    const listing = CallbackListingSchema.parse(await answer.json());
    const [first, second] = receiver.receivedNow();
    expect(listing).toEqual({
      callbacks: [
        {
          job_id: 'listed-1',
          status: 'completed',
          completed_at: COMPLETED_AT,
          received_at: first!.receivedAt,
          image_url: 'http://miner:8091/images/listed-1.png',
          provided_secret: 'abc',
          has_image: true,
          error: null,
          image_size: PNG.length,
        },
        {
          job_id: 'listed-2',
          status: 'failed',
          completed_at: COMPLETED_AT,
          received_at: second!.receivedAt,
          image_url: null,
          provided_secret: null,
          has_image: false,
          error: 'cannot identify image file',
          image_size: null,
        },
      ],
    });
  });

  test('callbacks for many jobs at once are each recorded and each wait gets its own', async ({ receiver }) => {
    const jobs = Array.from({ length: 40 }, (_, i) => `many-${i}`);
    const waits = jobs.map((job) => receiver.waitFor(job, { timeoutMs: 5_000 }));
    const answers = await Promise.all(
      jobs.map((job, i) =>
        i % 2 === 0
          ? postMultipart(receiver.track(job), completedFields(job), Buffer.concat([PNG, Buffer.from(job)]))
          : postUrlencoded(`${receiver.baseUrl}/callback`, failedFields(job)),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(jobs.map(() => 200));
    const receipts = await Promise.all(waits);
    expect(receipts.map((r) => r.jobId)).toEqual(jobs);
    const images = receipts.filter((_, i) => i % 2 === 0).map((receipt) => receipt.image?.toString('hex'));
    expect(images).toEqual(jobs.filter((_, i) => i % 2 === 0).map((job) => Buffer.concat([PNG, Buffer.from(job)]).toString('hex')));
    expect(receiver.receivedNow()).toHaveLength(40);
  });
});

test.describe('external receiver', () => {
  test('waits by polling GET /callbacks; receipts carry image size, not bytes', async ({ receiver }) => {
    const inbox = new ExternalCallbackInbox({ baseUrl: `${receiver.baseUrl}/` });
    expect(`${inbox.baseUrl}/callback`).toBe(`${receiver.baseUrl}/callback`);
    const waiting = inbox.waitFor('ext-1', { timeoutMs: 5_000 });
    await postMultipart(`${inbox.baseUrl}/callback`, completedFields('ext-1'), PNG, { 'X-Callback-Secret': 'abc' });
    const receipt = await waiting;
    expect(receipt).toMatchObject({
      source: 'external',
      jobId: 'ext-1',
      fields: completedFields('ext-1'),
      secret: 'abc',
      encoding: 'unknown',
      hasImage: true,
      imageSize: PNG.length,
      image: undefined,
      problem: undefined,
      receivedAt: receiver.receivedNow('ext-1')[0]!.receivedAt,
    });
    expect(await inbox.waitFor('ext-1', { timeoutMs: 1_000 })).toMatchObject({ jobId: 'ext-1' });
    await postUrlencoded(inbox.track('ext-2'), failedFields('ext-2'));
    await postUrlencoded(`${inbox.baseUrl}/callback`, failedFields('another-tests-job'));
    expect(
      (await inbox.received()).map((r) => r.jobId),
      "this test's jobs only",
    ).toEqual(['ext-1', 'ext-2']);
    expect((await inbox.received('ext-2'))[0]).toMatchObject({ hasImage: false, imageSize: undefined, fields: failedFields('ext-2') });
    await inbox.close();
  });

  test('its deadline sentence names the listing and what it listed; reset rejects its waits', async ({ receiver }) => {
    const inbox = new ExternalCallbackInbox({ baseUrl: receiver.baseUrl });
    await postMultipart(inbox.track('seen'), completedFields('seen'), PNG);
    const error = await inbox.waitFor('unseen', { timeoutMs: 200 }).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `No callback for job unseen arrived within 0.2 s at ${receiver.baseUrl}/callback; the external receiver's listing ${receiver.baseUrl}/callbacks got 1 other callback instead: job seen (status completed); check the job_id the miner sends and that the job has ended.`,
    );
    const pending = inbox.waitFor('never', { timeoutMs: 30_000 }).catch((e: Error) => e.message);
    inbox.reset();
    expect(await pending).toBe('Callback for job never was not received before the test finished.');
  });

  test("a listing that is not the receiver's ends the wait at once with a sentence", async () => {
    const server = createServer((_, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const inbox = new ExternalCallbackInbox({ baseUrl });
      const started = performance.now();
      const error = await inbox.waitFor('job', { timeoutMs: 30_000 }).catch((e: Error) => e);
      expect(performance.now() - started, 'ended before its deadline').toBeLessThan(5_000);
      expect((error as Error).message).toBe(
        `GET ${baseUrl}/callbacks should list callbacks as {"callbacks":[{job_id, status, received_at, has_image, …}]} like the original receiver, but answered 200 with 18 bytes of text beginning \`<html>hello</html>\`: check that ASYNC_CALLBACK_BASE_URL names the callback receiver.`,
      );
      await expect(inbox.received()).rejects.toThrow('should list callbacks as');
    } finally {
      server.close();
    }
  });

  test('an unreachable receiver is polled until the deadline, which names the failure', async () => {
    const port = await getPort();
    const inbox = new ExternalCallbackInbox({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await inbox.waitFor('job', { timeoutMs: 200 }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^No callback for job job arrived within 0\\.2 s at http://127\\.0\\.0\\.1:${port}/callback; the external receiver's listing .* got nothing at all \\(its last read failed: GET http://127\\.0\\.0\\.1:${port}/callbacks failed \\(.*ECONNREFUSED.*\\): check that the external receiver runs at ASYNC_CALLBACK_BASE_URL\\): a miner in Docker cannot reach 127\\.0\\.0\\.1`,
      ),
    );
  });
});

test.describe('inputs hosted as image hosts serve them', () => {
  test('a redirect chain ends at the image; Node fetch follows it', async ({ receiver }) => {
    const url = receiver.hostInput({ body: PNG, redirects: [301, 302, 303, 307, 308] });
    const hops = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    expect(hops.status).toBe(301);
    const followed = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    expect(Buffer.from(await followed.arrayBuffer())).toEqual(PNG);
  });

  test('two signed URLs of one object path serve their own images, and the path without its query answers 403', async ({ receiver }) => {
    const other = Buffer.from('another image');
    const first = receiver.hostInput({ body: PNG, signed: { object: 'bucket/a.png', query: 'X-Amz-Signature=1' } });
    const second = receiver.hostInput({ body: other, signed: { object: 'bucket/a.png', query: 'X-Amz-Signature=2' } });
    const read = async (url: string) => Buffer.from(await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).arrayBuffer());
    expect(await read(first)).toEqual(PNG);
    expect(await read(second)).toEqual(other);
    expect((await fetch(first.replace(/\?.*$/, ''), { signal: AbortSignal.timeout(5_000) })).status).toBe(403);
  });

  test('no Content-Type when asked for none, and chunked with no Content-Length', async ({ receiver }) => {
    const untyped = await fetch(receiver.hostInput({ body: PNG, contentType: null }), { signal: AbortSignal.timeout(5_000) });
    expect(untyped.headers.get('content-type')).toBeNull();
    const chunked = await fetch(receiver.hostInput({ body: PNG, chunked: true }), { signal: AbortSignal.timeout(5_000) });
    expect([chunked.headers.get('content-length'), chunked.headers.get('transfer-encoding')]).toEqual([null, 'chunked']);
    expect(Buffer.from(await chunked.arrayBuffer())).toEqual(PNG);
  });
});
