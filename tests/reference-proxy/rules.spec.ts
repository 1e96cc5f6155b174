import { minerAccepted } from '../../protocol/edit-job.ts';
import {
  CAPACITY_REQUEST_BODY,
  EPISTULA_REFUSALS,
  KONTEXT_CAPABILITY,
  ProxyCapacitySchema,
  ProxyCheckSchema,
  ProxyHealthSchema,
  ProxyQueuedSchema,
  ProxyRefusalSchema,
  TEXT_TO_IMAGE_CAPABILITY,
} from '../../protocol/epistula.ts';
import { releasedPort } from '../support/free-port.ts';
import { startStandInMiner } from '../support/stand-in-miner.ts';
import { expect, test } from '../support/reference-proxy-fixtures.ts';

// Every rule of docs/protocol.md, "The reverse proxy and Epistula", against the healthy reference proxy.

const EDIT = JSON.stringify({ prompt: 'make it blue', seed: 42, job_id: 'job-through-proxy', image_url: 'http://example.test/in.png' });

test('a signed POST /edit reaches the miner byte for byte and the miner answer comes back', async ({ reverseProxy: proxy, miner }) => {
  // odd spacing and key order: a proxy that re-serialises would change these bytes
  const body = `{ "seed":42,  "prompt" : "make it blue", "job_id":"job-through-proxy", "strength": 0.5 }\n`;
  const answer = await proxy.signed('POST', '/edit', body);
  expect(answer.status, answer.bytes.toString()).toBe(200);
  expect(answer.json).toEqual(minerAccepted('job-through-proxy'));
  const forwarded = await miner.request(0);
  expect(forwarded.method).toBe('POST');
  expect(forwarded.path).toBe('/edit');
  expect(forwarded.body.equals(Buffer.from(body)), 'the miner got exactly the signed bytes').toBe(true);
  expect(forwarded.headers['content-type']).toBe('application/json');
});

test('a signed POST /inference is forwarded too', async ({ reverseProxy: proxy, miner }) => {
  const answer = await proxy.signed('POST', '/inference', EDIT);
  expect(answer.status).toBe(200);
  expect((await miner.request(0)).path).toBe('/inference');
});

test('a request with no signature → 401 Authorization header required, and nothing reaches the miner', async ({
  reverseProxy: proxy,
  miner,
}) => {
  const answer = await proxy.request('POST', '/edit', EDIT, { 'content-type': 'application/json' });
  expect(answer.status).toBe(401);
  expect(ProxyRefusalSchema.parse(answer.json)).toEqual({ detail: EPISTULA_REFUSALS.authorizationMissing });
  expect(miner.received).toHaveLength(0);
});

test('a signature over another body → 401 Signature Mismatch', async ({ reverseProxy: proxy, miner }) => {
  const answer = await proxy.signed('POST', '/edit', EDIT, { signedBody: EDIT.replace('42', '43') });
  expect([answer.status, answer.json]).toEqual([401, { detail: EPISTULA_REFUSALS.signatureMismatch }]);
  expect(miner.received).toHaveLength(0);
});

test('a timestamp older than allowed_delta_ms → 401 Request is too stale', async ({ reverseProxy: proxy, miner }) => {
  const answer = await proxy.signed('POST', '/edit', EDIT, { timestampMs: Date.now() - 8_500 });
  expect([answer.status, answer.json]).toEqual([401, { detail: EPISTULA_REFUSALS.stale }]);
  expect(miner.received).toHaveLength(0);
});

test('allowed_delta_ms comes from the config file', async ({ startProxy }) => {
  const proxy = await startProxy({ auth: { allowed_delta_ms: 60_000 } });
  expect((await proxy.signed('POST', '/edit', EDIT, { timestampMs: Date.now() - 8_500 })).status).toBe(200);
});

test('signed_for another hotkey → 401 Invalid signed_for address', async ({ reverseProxy: proxy, miner, keys }) => {
  const answer = await proxy.signed('POST', '/edit', EDIT, { signedFor: keys.stranger.address });
  expect([answer.status, answer.json]).toEqual([401, { detail: EPISTULA_REFUSALS.signedForOther }]);
  expect(miner.received).toHaveLength(0);
});

test('a valid signature from a sender outside allowed_senders → 403 Sender not allowed', async ({ reverseProxy: proxy, miner, keys }) => {
  const answer = await proxy.signed('POST', '/edit', EDIT, { signer: keys.stranger });
  expect([answer.status, answer.json]).toEqual([403, { detail: EPISTULA_REFUSALS.senderNotAllowed }]);
  expect(miner.received).toHaveLength(0);
});

test('an empty allowed_senders lets every validly signed sender through', async ({ startProxy, keys }) => {
  const proxy = await startProxy({ auth: { allowed_senders: [] } });
  expect((await proxy.signed('POST', '/edit', EDIT, { signer: keys.stranger })).status).toBe(200);
});

test("GET /check/<hotkey> answers ok for the miner's hotkey and 404 for another", async ({ reverseProxy: proxy, keys }) => {
  const mine = await proxy.request('GET', `/check/${keys.miner.address}`);
  expect(mine.status).toBe(200);
  expect(ProxyCheckSchema.parse(mine.json)).toEqual({ status: 'ok', identifier: keys.miner.address });
  const other = await proxy.request('GET', `/check/${keys.validator.address}`);
  expect([other.status, other.json]).toEqual([404, { detail: 'Identifier not recognized' }]);
});

test('signed GET /capacity with the body {} validators send answers the upstream capabilities, all booleans', async ({
  reverseProxy: proxy,
}) => {
  const signed = await proxy.signed('GET', '/capacity', CAPACITY_REQUEST_BODY);
  expect(signed.status, signed.bytes.toString()).toBe(200);
  expect(signed.json).toEqual({ [TEXT_TO_IMAGE_CAPABILITY]: true, [KONTEXT_CAPABILITY]: true });
  expect(ProxyCapacitySchema.safeParse(signed.json).success, 'the answer as validators read it').toBe(true);
});

test('GET /capacity checks the signature over the body it received: signed empty and sent empty passes, signed {} and sent empty is refused', async ({
  reverseProxy: proxy,
}) => {
  expect((await proxy.signed('GET', '/capacity')).status, 'an empty body signed as empty').toBe(200);
  const mismatched = await proxy.signed('GET', '/capacity', '', { signedBody: CAPACITY_REQUEST_BODY });
  expect([mismatched.status, mismatched.json]).toEqual([401, { detail: EPISTULA_REFUSALS.signatureMismatch }]);
  expect((await proxy.request('GET', '/capacity', CAPACITY_REQUEST_BODY)).status, 'unsigned').toBe(401);
});

test('GET / answers 200 health, with the active faults listed', async ({ reverseProxy: proxy }) => {
  const health = await proxy.request('GET', '/');
  expect(health.status).toBe(200);
  expect(ProxyHealthSchema.parse(health.json)).toMatchObject({ status: 'healthy', faults: [] });
});

test('status, result and every other miner path are not reachable through the proxy', async ({ reverseProxy: proxy, miner }) => {
  for (const path of ['/edit/status/job-1', '/edit/result/job-1', '/images/edits/job-1.png', '/health', '/jobs', '/check', '/check/a/b']) {
    const answer = await proxy.signed('GET', path);
    expect([answer.status, answer.json], path).toEqual([404, { detail: 'Not Found' }]);
  }
  expect((await proxy.signed('GET', '/edit')).status, 'GET on the POST route').toBe(405);
  expect(miner.received).toHaveLength(0);
});

test('a miner slower than the wait gets the body, and the client a 202 queued with the job_id after the wait', async ({ startProxy }) => {
  const slowMiner = await startStandInMiner({ answerAfterMs: 30_000 });
  try {
    const proxy = await startProxy({ minerUrl: slowMiner.url, timeoutSeconds: 0.3 });
    const started = performance.now();
    const answer = await proxy.signed('POST', '/edit', EDIT);
    expect(answer.status, answer.bytes.toString()).toBe(202);
    expect(performance.now() - started, 'the proxy waited for the miner first').toBeGreaterThanOrEqual(250);
    expect(ProxyQueuedSchema.parse(answer.json)).toEqual({
      status: 'queued',
      job_id: 'job-through-proxy',
      detail: 'Upstream processing asynchronously; proxy returned before completion',
      proxy_timeout_seconds: 0.3,
    });
    expect((await slowMiner.request(0)).body.toString(), 'the miner holds the whole body to finish the job').toBe(EDIT);
  } finally {
    await slowMiner.close();
  }
});

test('the 202 says job_id null for a body without one, as the upstream proxy does', async ({ startProxy }) => {
  const slowMiner = await startStandInMiner({ answerAfterMs: 30_000 });
  try {
    const proxy = await startProxy({ minerUrl: slowMiner.url, timeoutSeconds: 0.2 });
    const answer = await proxy.signed('POST', '/edit', JSON.stringify({ prompt: 'p', seed: 1 }));
    expect([answer.status, answer.json.job_id]).toEqual([202, null]);
  } finally {
    await slowMiner.close();
  }
});

test('a miner that is not listening → 502 Error connecting to backend service', async ({ startProxy }) => {
  const proxy = await startProxy({ minerUrl: `http://127.0.0.1:${await releasedPort()}` });
  const answer = await proxy.signed('POST', '/edit', EDIT);
  expect([answer.status, answer.json]).toEqual([502, { detail: 'Error connecting to backend service' }]);
});
