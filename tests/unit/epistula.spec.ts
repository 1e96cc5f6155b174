import { test, expect } from '@playwright/test';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress, encodeAddress, signatureVerify } from '@polkadot/util-crypto';
import {
  epistulaHeaders,
  epistulaMessage,
  freshKey,
  isSs58Address,
  signedJson,
  signerFromUri,
  verifyEpistula,
  type EpistulaCheck,
  type EpistulaRules,
  type HeaderBag,
} from '../../lib/epistula.ts';
import { EPISTULA_REFUSALS } from '../../protocol/epistula.ts';

// Epistula pinned against Substrate's well-known dev keys: //Alice signs, //Bob is the miner.

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const BODY = '{"prompt":"make it blue","seed":42}';
// sha256sum of BODY, computed outside this code
const BODY_SHA256 = 'db53e9a6d1e92f41a9140a79bc0971a7ca491fbba0163ed34fcbd2ab35a17fe3';
const UUID = '0192e8a4-7b1c-7d3e-8f00-000000000001';
const TIMESTAMP_MS = 1735689600000;
const RULES: EpistulaRules = { minerHotkey: BOB, allowedDeltaMs: 8000, allowedSenders: [] };

test.beforeAll(async () => {
  await cryptoWaitReady();
});

test('the signed message is <sha256 hex of the body>.<uuid>.<timestamp>.<signed_for>', () => {
  expect(epistulaMessage(BODY, UUID, TIMESTAMP_MS, BOB)).toBe(`${BODY_SHA256}.${UUID}.1735689600000.${BOB}`);
  expect(epistulaMessage(Buffer.from(BODY), UUID, TIMESTAMP_MS, BOB), 'a Buffer body is hashed as its bytes').toBe(
    epistulaMessage(BODY, UUID, TIMESTAMP_MS, BOB),
  );
});

test('the headers carry the signature, timestamp, uuid and both hotkeys as validators send them', async () => {
  const alice = await signerFromUri('//Alice');
  expect(alice.address).toBe(ALICE);
  const headers = epistulaHeaders({ body: BODY, signer: alice, signedFor: BOB, uuid: UUID, timestampMs: TIMESTAMP_MS });

  expect(Object.keys(headers).sort()).toEqual(
    ['Authorization', 'Epistula-Signature', 'Epistula-Signed-By', 'Epistula-Signed-For', 'Epistula-Timestamp', 'Epistula-UUID'].sort(),
  );
  const signature = headers['Epistula-Signature'];
  expect(signature).toMatch(/^0x[0-9a-f]{128}$/);
  expect(headers.Authorization).toBe(`Epistula ${signature}`);
  expect(headers['Epistula-Timestamp']).toBe('1735689600000');
  expect(headers['Epistula-UUID']).toBe(UUID);
  expect(headers['Epistula-Signed-By']).toBe(ALICE);
  expect(headers['Epistula-Signed-For']).toBe(BOB);

  const verified = signatureVerify(`${BODY_SHA256}.${UUID}.1735689600000.${BOB}`, hexToU8a(signature), ALICE);
  expect(verified.isValid, "the library's own verifier accepts the signature over the pinned message").toBe(true);
  expect(verified.crypto).toBe('sr25519');
  expect(signatureVerify(`${BODY_SHA256}.${UUID}.1735689600001.${BOB}`, hexToU8a(signature), ALICE).isValid, 'another timestamp').toBe(
    false,
  );
});

test('without uuid and timestamp each signing gets a fresh uuid and the current time', async () => {
  const alice = await signerFromUri('//Alice');
  const before = Date.now();
  const first = epistulaHeaders({ body: BODY, signer: alice, signedFor: BOB });
  const second = epistulaHeaders({ body: BODY, signer: alice, signedFor: BOB });
  expect(first['Epistula-UUID']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(first['Epistula-UUID']).not.toBe(second['Epistula-UUID']);
  expect(Number(first['Epistula-Timestamp'])).toBeGreaterThanOrEqual(before);
  expect(Number(first['Epistula-Timestamp'])).toBeLessThanOrEqual(Date.now());
});

test('signedJson signs exactly the string it hands over as the body', async () => {
  const alice = await signerFromUri('//Alice');
  const { body, headers } = signedJson(
    { prompt: 'make it blue', seed: 42 },
    { signer: alice, signedFor: BOB, uuid: UUID, timestampMs: TIMESTAMP_MS },
  );
  expect(body).toBe(BODY);
  expect(headers['Content-Type']).toBe('application/json');
  expect(signatureVerify(epistulaMessage(body, UUID, TIMESTAMP_MS, BOB), hexToU8a(headers['Epistula-Signature']), ALICE).isValid).toBe(
    true,
  );
});

test('a mnemonic, a hex seed and a dev URI all make sr25519 signers', async () => {
  const devPhrase = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
  expect((await signerFromUri(`${devPhrase}//Alice`)).address).toBe(ALICE);
  // //Alice's mini secret, as `subkey inspect //Alice` prints it
  expect((await signerFromUri('0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a')).address).toBe(ALICE);
  expect((await signerFromUri('  //Bob  ')).address).toBe(BOB);
  expect((await signerFromUri(devPhrase)).type).toBe('sr25519');
});

for (const [uri, kind] of [
  ['', 'an empty value'],
  ['hunter2', 'a single word'],
  ['correct horse battery staple', '4 words that are not a valid BIP39 mnemonic'],
  ['0xdeadbeef', 'a hex value of 8 characters'],
  ['/Dave', 'a derivation path'],
] as const) {
  test(`a signer URI holding ${kind || 'nothing'} is refused in one sentence that does not repeat it`, async () => {
    const refusal = await signerFromUri(uri).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refusal).toBeDefined();
    expect(refusal).toContain(
      'ASYNC_SIGNER_URI must be a BIP39 mnemonic (12 or 24 words), a 0x-prefixed 32-byte hex seed or a dev URI such as //Alice',
    );
    expect(refusal).toContain(kind);
    expect(uri !== '' && refusal!.includes(uri), 'the secret never appears in the sentence').toBe(false);
    expect(refusal!.split('. ')).toHaveLength(1);
  });
}

test.describe('verifyEpistula judges as the upstream proxy does', () => {
  async function signed(overrides: { body?: string; signedFor?: string; timestampMs?: number; uri?: string } = {}) {
    const signer = await signerFromUri(overrides.uri ?? '//Alice');
    return epistulaHeaders({
      body: overrides.body ?? BODY,
      signer,
      signedFor: overrides.signedFor ?? BOB,
      timestampMs: overrides.timestampMs,
    });
  }
  const verify = (headers: HeaderBag, rules: Partial<EpistulaRules> = {}, skip: EpistulaCheck[] = [], body = BODY) =>
    verifyEpistula({ headers, body }, { ...RULES, ...rules }, new Set(skip));

  test('a fresh signature by any sender for the miner is let through', async () => {
    const verdict = await verify(await signed());
    expect(verdict).toMatchObject({ ok: true, signedBy: ALICE, signedFor: BOB });
  });

  test('header names are read case-blind, as node:http lowercases them', async () => {
    const lowered = Object.fromEntries(Object.entries(await signed()).map(([k, v]) => [k.toLowerCase(), v]));
    expect(await verify(lowered)).toMatchObject({ ok: true });
  });

  test('missing or malformed headers are refused with the upstream texts', async () => {
    const good = await signed();
    const without = (name: string) => Object.fromEntries(Object.entries(good).filter(([k]) => k !== name));
    const cases: [HeaderBag, string][] = [
      [{}, EPISTULA_REFUSALS.authorizationMissing],
      [{ ...good, Authorization: 'Epistula' }, EPISTULA_REFUSALS.authorizationMalformed],
      [{ ...good, Authorization: `Bearer ${good['Epistula-Signature']}` }, EPISTULA_REFUSALS.wrongScheme],
      [{ ...good, 'Epistula-Signature': '0x00' }, EPISTULA_REFUSALS.signatureHeadersDiffer],
      [{ ...without('Epistula-Signature'), Authorization: 'Epistula  ' }, EPISTULA_REFUSALS.signatureMissing],
      [without('Epistula-UUID'), EPISTULA_REFUSALS.headersMissing],
      [without('Epistula-Timestamp'), EPISTULA_REFUSALS.headersMissing],
      [without('Epistula-Signed-By'), EPISTULA_REFUSALS.headersMissing],
      [without('Epistula-Signed-For'), EPISTULA_REFUSALS.headersMissing],
      [{ ...good, 'Epistula-Timestamp': 'yesterday' }, EPISTULA_REFUSALS.timestampInvalid],
      [{ ...good, 'Epistula-Signed-By': 'not-an-ss58-address' }, EPISTULA_REFUSALS.senderInvalid],
      [{ ...without('Epistula-Signature'), Authorization: 'Epistula 0xzz' }, EPISTULA_REFUSALS.signatureNotHex],
    ];
    for (const [headers, detail] of cases) expect(await verify(headers), detail).toEqual({ ok: false, status: 401, detail });
  });

  test('a signature without 0x in Authorization alone is read as hex, as upstream prefixes it', async () => {
    const good = await signed();
    const bare = Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'Epistula-Signature'));
    bare.Authorization = `Epistula ${good['Epistula-Signature'].slice(2)}`;
    expect(await verify(bare)).toMatchObject({ ok: true });
  });

  test('signed_for another hotkey → 401 Invalid signed_for address, unless that check is skipped', async () => {
    const headers = await signed({ signedFor: ALICE });
    expect(await verify(headers)).toEqual({ ok: false, status: 401, detail: EPISTULA_REFUSALS.signedForOther });
    expect(await verify(headers, {}, ['signed-for'])).toMatchObject({ ok: true, signedFor: ALICE });
  });

  test('a timestamp older than allowed_delta_ms → 401 Request is too stale; a younger one passes', async () => {
    const stale = await signed({ timestampMs: Date.now() - 8_500 });
    expect(await verify(stale)).toEqual({ ok: false, status: 401, detail: EPISTULA_REFUSALS.stale });
    expect(await verify(stale, { allowedDeltaMs: 60_000 })).toMatchObject({ ok: true });
    expect(await verify(stale, {}, ['staleness'])).toMatchObject({ ok: true });
  });

  test('a signature over another body, or by another key than Signed-By → 401 Signature Mismatch, unless that check is skipped', async () => {
    const otherBody = '{"prompt":"make it red","seed":42}';
    expect(await verify(await signed(), {}, [], otherBody)).toEqual({
      ok: false,
      status: 401,
      detail: EPISTULA_REFUSALS.signatureMismatch,
    });
    expect(await verify(await signed(), {}, ['signature'], otherBody)).toMatchObject({ ok: true, signedBy: ALICE });
    const byBob = { ...(await signed({ uri: '//Bob' })), 'Epistula-Signed-By': ALICE };
    expect(await verify(byBob)).toEqual({ ok: false, status: 401, detail: EPISTULA_REFUSALS.signatureMismatch });
    const short = { ...(await signed()), Authorization: 'Epistula 0xabcd', 'Epistula-Signature': '0xabcd' };
    expect(await verify(short), 'a signature of the wrong length').toEqual({
      ok: false,
      status: 401,
      detail: EPISTULA_REFUSALS.signatureMismatch,
    });
  });

  test('a valid signature from a sender outside a non-empty allowed_senders → 403 Sender not allowed', async () => {
    const headers = await signed();
    expect(await verify(headers, { allowedSenders: [BOB] })).toEqual({
      ok: false,
      status: 403,
      detail: EPISTULA_REFUSALS.senderNotAllowed,
    });
    expect(await verify(headers, { allowedSenders: [BOB, ALICE] })).toMatchObject({ ok: true });
    expect(await verify(headers, { allowedSenders: [BOB] }, ['allowed-senders'])).toMatchObject({ ok: true });
  });
});

test('an SS58 hotkey is told from a broken checksum, a raw public key and a word; a fresh key is one nobody shares', async () => {
  const bob = (await signerFromUri('//Bob')).address;
  expect(isSs58Address(bob)).toBe(true);
  expect(isSs58Address(`${bob.slice(0, -1)}${bob.endsWith('x') ? 'y' : 'x'}`)).toBe(false);
  expect(isSs58Address(u8aToHex(decodeAddress(bob)))).toBe(false);
  expect(isSs58Address('miner')).toBe(false);
  const [one, two] = [await freshKey(), await freshKey()];
  expect(isSs58Address(one.address)).toBe(true);
  expect(one.address).not.toBe(two.address);
});

test('the SS58 check agrees with @polkadot across networks, one- and two-byte prefixes and every flipped character', async () => {
  const publicKey = (await freshKey()).publicKey;
  for (const prefix of [0, 2, 42, 63, 64, 255, 16383]) {
    const address = encodeAddress(publicKey, prefix);
    expect(isSs58Address(address), `${address} (prefix ${prefix})`).toBe(true);
    const flipped = [...address.slice(1)].map(
      (char, i) => `${address[0]}${address.slice(1, i + 1)}${char === 'z' ? 'y' : 'z'}${address.slice(i + 2)}`,
    );
    const polkadotAccepts = (text: string) => {
      try {
        return decodeAddress(text).length === 32;
      } catch {
        return false;
      }
    };
    expect(
      flipped.filter((text) => isSs58Address(text) !== polkadotAccepts(text)),
      `flips of ${address} judged otherwise`,
    ).toEqual([]);
  }
});
