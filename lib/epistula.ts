import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { KeyringPair } from '@polkadot/keyring/types';
import { EPISTULA_HEADERS, EPISTULA_REFUSALS, EPISTULA_SCHEME, type EpistulaRefusal } from '../protocol/epistula.ts';

// Epistula as the subnet's validators sign and its reverse proxy verifies: sr25519 over
// `<sha256 hex of the body>.<uuid>.<timestamp ms>.<signed_for>`. Keys, sr25519 and the proxy's sender check come from
// @polkadot; the settings' SS58 check (isSs58Address) is read directly, below.

// @polkadot loads some 330 modules (0.6 s of CPU): only a process that signs or verifies pays for them,
// not every run's main process and workers.
async function polkadot() {
  const [{ Keyring }, util, utilCrypto] = await Promise.all([
    import('@polkadot/keyring'),
    import('@polkadot/util'),
    import('@polkadot/util-crypto'),
  ]);
  await utilCrypto.cryptoWaitReady();
  return { Keyring, ...util, ...utilCrypto };
}

export type { KeyringPair } from '@polkadot/keyring/types';

/** Substrate's generic SS58 prefix, the one bittensor hotkeys are written in. */
export const SS58_FORMAT = 42;

/** The setting a signer secret is read from; named in every sentence about a bad secret. */
export const SIGNER_SETTING = 'ASYNC_SIGNER_URI';

export class SignerUriError extends Error {}

/** The text the sender signs for `body`. */
export function epistulaMessage(body: Buffer | string, uuid: string, timestampMs: number | string, signedFor: string): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return `${digest}.${uuid}.${timestampMs}.${signedFor}`;
}

export type EpistulaSigning = {
  body: Buffer | string;
  signer: KeyringPair;
  /** The miner's SS58 hotkey. */
  signedFor: string;
  uuid?: string;
  timestampMs?: number;
};

export type EpistulaHeaders = Record<(typeof EPISTULA_HEADERS)[keyof typeof EPISTULA_HEADERS], string>;

/** The six headers a validator sends with `body`; a string body is signed as its UTF-8 bytes. */
export function epistulaHeaders({
  body,
  signer,
  signedFor,
  uuid = randomUUID(),
  timestampMs = Date.now(),
}: EpistulaSigning): EpistulaHeaders {
  // as UTF-8 bytes, explicitly: @polkadot reads a string starting with 0x as hex
  const signature = `0x${Buffer.from(signer.sign(Buffer.from(epistulaMessage(body, uuid, timestampMs, signedFor), 'utf8'))).toString('hex')}`;
  return {
    [EPISTULA_HEADERS.authorization]: `${EPISTULA_SCHEME} ${signature}`,
    [EPISTULA_HEADERS.signature]: signature,
    [EPISTULA_HEADERS.timestamp]: String(timestampMs),
    [EPISTULA_HEADERS.uuid]: uuid,
    [EPISTULA_HEADERS.signedBy]: signer.address,
    [EPISTULA_HEADERS.signedFor]: signedFor,
  };
}

/**
 * A JSON request body and its headers, signed over exactly the bytes sent: hand `body` to the HTTP client
 * as a string, never the object, or the client's own serialisation breaks the signature.
 */
export function signedJson(
  payload: unknown,
  signing: Omit<EpistulaSigning, 'body'>,
): { body: string; headers: EpistulaHeaders & { 'Content-Type': string } } {
  const body = JSON.stringify(payload);
  return { body, headers: { ...epistulaHeaders({ ...signing, body }), 'Content-Type': 'application/json' } };
}

/** Says what kind of secret came, never the secret itself. */
function describeSecret(phrase: string): string {
  if (!phrase.trim()) return 'an empty value';
  if (phrase.startsWith('/')) return 'a derivation path keyring cannot read';
  if (phrase.startsWith('0x')) return `a hex value of ${phrase.length - 2} characters that is not a 32-byte seed`;
  const words = phrase.trim().split(/\s+/).length;
  return words === 1 ? 'a single word that is none of these' : `${words} words that are not a valid BIP39 mnemonic`;
}

/**
 * The sr25519 key of `uri`: a BIP39 mnemonic, a 0x-prefixed 32-byte hex seed, or a dev URI such as `//Alice`,
 * each optionally followed by `/soft` or `//hard` derivations and `///password` (as subkey reads them).
 */
export async function signerFromUri(uri: string): Promise<KeyringPair> {
  const { Keyring, isHex, keyExtractSuri, mnemonicValidate } = await polkadot();
  const trimmed = uri.trim();
  // keyring reads a bare word or a short hex as a raw seed; validators' keys are none of those, so refuse them here
  let phrase = '';
  if (trimmed && !trimmed.startsWith('/')) {
    try {
      phrase = keyExtractSuri(trimmed).phrase;
    } catch {
      phrase = trimmed;
    }
  }
  const refusal = () =>
    new SignerUriError(
      `${SIGNER_SETTING} must be a BIP39 mnemonic (12 or 24 words), a 0x-prefixed 32-byte hex seed or a dev URI such as //Alice, ` +
        `but it holds ${describeSecret(phrase || trimmed)}: set it to the secret of a sender the proxy allows.`,
    );
  const accepted = trimmed.startsWith('/') || (phrase.startsWith('0x') ? isHex(phrase, 256) : mnemonicValidate(phrase));
  if (!accepted) throw refusal();
  try {
    return new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT }).addFromUri(trimmed);
  } catch {
    throw refusal(); // a derivation path keyring cannot read; its own message could quote the secret
  }
}

/** A key nobody else holds, for requests the proxy must not know: a stranger sender, another miner. */
export async function freshKey(): Promise<KeyringPair> {
  const { Keyring } = await polkadot();
  return new Keyring({ type: 'sr25519', ss58Format: SS58_FORMAT }).addFromSeed(randomBytes(32));
}

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/**
 * True for the SS58 address of a 32-byte account with a valid checksum, as Epistula-Signed-By and -For carry:
 * base58 of prefix (one byte, or two from 64 on), public key and the first two bytes of blake2b-512("SS58PRE" ‖ both).
 * Checked here rather than by @polkadot, which settings would otherwise load in every process.
 */
export function isSs58Address(text: string): boolean {
  const bytes = base58Decode(text);
  if (!bytes || bytes.length < 35) return false;
  const prefixLength = bytes[0]! < 64 ? 1 : bytes[0]! < 128 ? 2 : 0;
  if (!prefixLength || bytes.length !== prefixLength + 32 + 2) return false;
  const checked = bytes.subarray(0, bytes.length - 2);
  const checksum = createHash('blake2b512').update('SS58PRE').update(checked).digest();
  return checksum[0] === bytes.at(-2) && checksum[1] === bytes.at(-1);
}

function base58Decode(text: string): Buffer | undefined {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58_ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = value * 58n + BigInt(digit);
  }
  const hex = value === 0n ? '' : value.toString(16);
  const leadingZeros = /^1*/.exec(text)![0].length;
  return Buffer.concat([Buffer.alloc(leadingZeros), Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex')]);
}

/** Header values as node:http and fetch hand them over: any case, possibly repeated. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export type EpistulaRules = {
  /** `auth.miner_hotkey`: the only `signed_for` accepted. */
  minerHotkey: string;
  /** `auth.allowed_delta_ms`: how old a timestamp may be. */
  allowedDeltaMs: number;
  /** `auth.allowed_senders`: when non-empty, the only senders let through. */
  allowedSenders: readonly string[];
};

/** A rule a broken proxy may leave out; the reference proxy's faults name which. */
export type EpistulaCheck = 'signed-for' | 'staleness' | 'signature' | 'allowed-senders';

export type EpistulaVerdict =
  | { ok: true; signedBy: string; signedFor: string; uuid: string; timestampMs: number }
  | { ok: false; status: 401 | 403; detail: EpistulaRefusal };

function header(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
  return Array.isArray(entry) ? entry[0] : entry;
}

const refuse = (detail: EpistulaRefusal, status: 401 | 403 = 401): EpistulaVerdict => ({ ok: false, status, detail });

/**
 * Judges a request as the upstream proxy does, check by check in its order, and answers the first refusal.
 * `skip` leaves checks out, for the reference proxy's faults only.
 */
export async function verifyEpistula(
  request: { headers: HeaderBag; body: Buffer | string; nowMs?: number },
  rules: EpistulaRules,
  skip: ReadonlySet<EpistulaCheck> = new Set(),
): Promise<EpistulaVerdict> {
  const { headers, body, nowMs = Date.now() } = request;
  const authorization = header(headers, EPISTULA_HEADERS.authorization);
  if (!authorization) return refuse(EPISTULA_REFUSALS.authorizationMissing);
  const space = authorization.indexOf(' ');
  if (space < 0) return refuse(EPISTULA_REFUSALS.authorizationMalformed);
  if (authorization.slice(0, space).trim() !== EPISTULA_SCHEME) return refuse(EPISTULA_REFUSALS.wrongScheme);
  const fromAuthorization = authorization.slice(space + 1).trim();
  const fromSignatureHeader = header(headers, EPISTULA_HEADERS.signature)?.trim();
  if (fromSignatureHeader && fromSignatureHeader !== fromAuthorization) return refuse(EPISTULA_REFUSALS.signatureHeadersDiffer);
  let signature = fromSignatureHeader || fromAuthorization;
  if (!signature) return refuse(EPISTULA_REFUSALS.signatureMissing);
  if (!signature.startsWith('0x')) signature = `0x${signature}`;

  const [timestamp, uuid, signedBy, signedFor] = [
    EPISTULA_HEADERS.timestamp,
    EPISTULA_HEADERS.uuid,
    EPISTULA_HEADERS.signedBy,
    EPISTULA_HEADERS.signedFor,
  ].map((name) => header(headers, name)?.trim());
  if (!timestamp || !uuid || !signedBy || !signedFor) return refuse(EPISTULA_REFUSALS.headersMissing);

  if (!skip.has('signed-for') && signedFor !== rules.minerHotkey) return refuse(EPISTULA_REFUSALS.signedForOther);
  // Python's int() reads the timestamp: digits with an optional sign
  if (!/^[+-]?\d+$/.test(timestamp)) return refuse(EPISTULA_REFUSALS.timestampInvalid);
  const timestampMs = Number(timestamp);
  if (!skip.has('staleness') && timestampMs + rules.allowedDeltaMs < nowMs) return refuse(EPISTULA_REFUSALS.stale);
  const { decodeAddress, hexToU8a, isHex, signatureVerify, stringToU8a } = await polkadot();
  try {
    decodeAddress(signedBy);
  } catch {
    return refuse(EPISTULA_REFUSALS.senderInvalid);
  }
  if (!isHex(signature)) return refuse(EPISTULA_REFUSALS.signatureNotHex);

  const message = epistulaMessage(body, uuid, timestampMs, signedFor);
  let verified: boolean;
  try {
    const result = signatureVerify(stringToU8a(message), hexToU8a(signature), signedBy);
    // the upstream proxy's key is sr25519 only: an ed25519 or ecdsa signature by the same account is refused
    verified = result.isValid && result.crypto === 'sr25519';
  } catch {
    verified = false; // a signature of the wrong length
  }
  if (!verified && !skip.has('signature')) return refuse(EPISTULA_REFUSALS.signatureMismatch);
  if (!skip.has('allowed-senders') && rules.allowedSenders.length > 0 && !rules.allowedSenders.includes(signedBy))
    return refuse(EPISTULA_REFUSALS.senderNotAllowed, 403);
  return { ok: true, signedBy, signedFor, uuid, timestampMs };
}
