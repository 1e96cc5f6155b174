import { epistulaHeaders } from '../../lib/epistula.ts';
import { minerAccepted } from '../../protocol/edit-job.ts';
import { CAPACITY_REQUEST_BODY, EPISTULA_REFUSALS, ProxyCapacitySchema } from '../../protocol/epistula.ts';
import { PROXY_FAULTS } from '../../reference-proxy/faults.ts';
import { startStandInMiner } from '../support/stand-in-miner.ts';
import { expect, test } from '../support/reference-proxy-fixtures.ts';

// Each fault of the reference proxy changes exactly the behaviour it names; rules.spec.ts shows the healthy side.

const EDIT = JSON.stringify({
  prompt: 'make it blue',
  seed: 42,
  job_id: 'job-through-proxy',
  image_url: 'http://example.test/in.png',
  negative_prompt: 'blur',
});

test('GET / lists the active faults', async ({ startProxy }) => {
  const proxy = await startProxy({ faults: ['accepts-unsigned', 'rewrites-body'] });
  expect((await proxy.request('GET', '/')).json.faults).toEqual(['accepts-unsigned', 'rewrites-body']);
});

test('every fault is described in one line', () => {
  for (const [name, line] of Object.entries(PROXY_FAULTS)) expect(line, name).toMatch(/^[^\n]+\.$/);
});

test('accepts-unsigned: a request with no signature is forwarded; a bad signature is still refused', async ({ startProxy, miner }) => {
  const proxy = await startProxy({ faults: ['accepts-unsigned'] });
  const unsigned = await proxy.request('POST', '/edit', EDIT, { 'content-type': 'application/json' });
  expect(unsigned.status).toBe(200);
  expect((await miner.request(0)).body.toString()).toBe(EDIT);
  expect((await proxy.request('GET', '/capacity')).status, 'capacity unsigned').toBe(200);
  const forged = await proxy.signed('POST', '/edit', EDIT, { signedBody: '{}' });
  expect([forged.status, forged.json]).toEqual([401, { detail: EPISTULA_REFUSALS.signatureMismatch }]);
});

test('ignores-signed-for: a request signed for another miner is forwarded', async ({ startProxy, miner, keys }) => {
  const proxy = await startProxy({ faults: ['ignores-signed-for'] });
  expect((await proxy.signed('POST', '/edit', EDIT, { signedFor: keys.stranger.address })).status).toBe(200);
  expect(miner.received).toHaveLength(1);
});

test('no-staleness-check: a request signed an hour ago is forwarded', async ({ startProxy, miner }) => {
  const proxy = await startProxy({ faults: ['no-staleness-check'] });
  expect((await proxy.signed('POST', '/edit', EDIT, { timestampMs: Date.now() - 3_600_000 })).status).toBe(200);
  expect(miner.received).toHaveLength(1);
});

test('ignores-allowed-senders: a valid signature from a key not allowed is forwarded', async ({ startProxy, miner, keys }) => {
  const proxy = await startProxy({ faults: ['ignores-allowed-senders'] });
  expect((await proxy.signed('POST', '/edit', EDIT, { signer: keys.stranger })).status).toBe(200);
  expect(miner.received).toHaveLength(1);
});

test("check-any-hotkey: /check vouches for another hotkey; the miner's own still answers ok", async ({ startProxy, keys }) => {
  const proxy = await startProxy({ faults: ['check-any-hotkey'] });
  const other = await proxy.request('GET', `/check/${keys.stranger.address}`);
  expect([other.status, other.json]).toEqual([200, { status: 'ok', identifier: keys.stranger.address }]);
  const mine = await proxy.request('GET', `/check/${keys.miner.address}`);
  expect([mine.status, mine.json]).toEqual([200, { status: 'ok', identifier: keys.miner.address }]);
});

test('capacity-missing: a signed GET /capacity is a 404 Not Found; /check and the forwarded routes still answer', async ({
  startProxy,
  keys,
}) => {
  const proxy = await startProxy({ faults: ['capacity-missing'] });
  const capacity = await proxy.signed('GET', '/capacity');
  expect([capacity.status, capacity.json]).toEqual([404, { detail: 'Not Found' }]);
  expect((await proxy.request('GET', `/check/${keys.miner.address}`)).status).toBe(200);
  expect((await proxy.signed('POST', '/edit', EDIT)).status).toBe(200);
});

test('root-missing: GET / is a 404 Not Found; /check, /capacity and the forwarded routes still answer', async ({ startProxy, keys }) => {
  const proxy = await startProxy({ faults: ['root-missing'] });
  const root = await proxy.request('GET', '/');
  expect([root.status, root.json]).toEqual([404, { detail: 'Not Found' }]);
  expect((await proxy.request('GET', `/check/${keys.miner.address}`)).status).toBe(200);
  expect((await proxy.signed('GET', '/capacity', CAPACITY_REQUEST_BODY)).status).toBe(200);
  expect((await proxy.signed('POST', '/edit', EDIT)).status).toBe(200);
});

test('capacity-without-img: GET /capacity advertises text-to-image alone, a valid answer without the Kontext flag', async ({
  startProxy,
}) => {
  const proxy = await startProxy({ faults: ['capacity-without-img'] });
  const capacity = await proxy.signed('GET', '/capacity', CAPACITY_REQUEST_BODY);
  expect([capacity.status, capacity.json]).toEqual([200, { 'base-h100_pcie': true }]);
  expect(ProxyCapacitySchema.parse(capacity.json)).not.toHaveProperty('img-h100_pcie');
});

test('capacity-not-booleans: GET /capacity writes the Kontext flag as the string "true", which validators do not read', async ({
  startProxy,
}) => {
  const proxy = await startProxy({ faults: ['capacity-not-booleans'] });
  const capacity = await proxy.signed('GET', '/capacity', CAPACITY_REQUEST_BODY);
  expect([capacity.status, capacity.json]).toEqual([200, { 'base-h100_pcie': true, 'img-h100_pcie': 'true' }]);
  expect(ProxyCapacitySchema.safeParse(capacity.json).success).toBe(false);
});

test("capacity-hashes-empty-body: validators' signed {} is refused 401, an empty body signed as empty passes; /edit still checks its body", async ({
  startProxy,
}) => {
  const proxy = await startProxy({ faults: ['capacity-hashes-empty-body'] });
  const validators = await proxy.signed('GET', '/capacity', CAPACITY_REQUEST_BODY);
  expect([validators.status, validators.json]).toEqual([401, { detail: EPISTULA_REFUSALS.signatureMismatch }]);
  expect((await proxy.signed('GET', '/capacity')).status, 'signed and sent empty').toBe(200);
  expect((await proxy.signed('POST', '/edit', EDIT)).status).toBe(200);
  expect((await proxy.signed('POST', '/edit', EDIT, { signedBody: '' })).status, '/edit signed over an empty body').toBe(401);
});

test('signature-unchecked: a signature over another body, or by another key, is forwarded; the other checks still refuse', async ({
  startProxy,
  miner,
  keys,
}) => {
  const proxy = await startProxy({ faults: ['signature-unchecked'] });
  expect((await proxy.signed('POST', '/edit', EDIT, { signedBody: '{}' })).status, 'signed over another body').toBe(200);
  expect((await miner.request(0)).body.toString()).toBe(EDIT);
  const forged = epistulaHeaders({ body: EDIT, signer: keys.stranger, signedFor: keys.miner.address });
  const claimed = { ...forged, 'Epistula-Signed-By': keys.validator.address, 'content-type': 'application/json' };
  expect((await proxy.request('POST', '/edit', EDIT, claimed)).status, 'signed by //Charlie as //Alice').toBe(200);
  const stale = await proxy.signed('POST', '/edit', EDIT, { signedBody: '{}', timestampMs: Date.now() - 3_600_000 });
  expect([stale.status, stale.json]).toEqual([401, { detail: EPISTULA_REFUSALS.stale }]);
  const unsigned = await proxy.request('POST', '/edit', EDIT, { 'content-type': 'application/json' });
  expect([unsigned.status, unsigned.json]).toEqual([401, { detail: EPISTULA_REFUSALS.authorizationMissing }]);
  expect(miner.received).toHaveLength(2);
});

test('rewrites-body: the miner gets re-serialised bytes without the fields the proxy does not model', async ({ startProxy, miner }) => {
  const proxy = await startProxy({ faults: ['rewrites-body'] });
  expect((await proxy.signed('POST', '/edit', EDIT)).status).toBe(200);
  const forwarded = (await miner.request(0)).body.toString();
  expect(forwarded).not.toBe(EDIT);
  expect(forwarded).toBe('{"job_id": "job-through-proxy", "prompt": "make it blue", "seed": 42}');
});

test('late-without-202: a miner slower than the wait is answered late with its own answer, never a 202', async ({ startProxy }) => {
  const slowMiner = await startStandInMiner({ answerAfterMs: 1_000 });
  try {
    const proxy = await startProxy({ minerUrl: slowMiner.url, faults: ['late-without-202'], timeoutSeconds: 0.2 });
    const started = performance.now();
    const answer = await proxy.signed('POST', '/edit', EDIT);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual(minerAccepted('job-through-proxy'));
    expect(performance.now() - started, 'the answer came after the miner, long past the 0.2 s wait').toBeGreaterThanOrEqual(900);
  } finally {
    await slowMiner.close();
  }
});

test('late-without-202: a miner past the synchronous deadline → 504 Upstream timed out', async ({ startProxy }) => {
  const slowMiner = await startStandInMiner({ answerAfterMs: 30_000 });
  try {
    const proxy = await startProxy({ minerUrl: slowMiner.url, faults: ['late-without-202'], timeoutSeconds: 0.1, syncTimeoutSeconds: 0.5 });
    const answer = await proxy.signed('POST', '/edit', EDIT);
    expect([answer.status, answer.json]).toEqual([504, { detail: 'Upstream timed out' }]);
  } finally {
    await slowMiner.close();
  }
});
