const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Map([...ALPHABET].map((char, value) => [char.charCodeAt(0), value]));
const PAD = '='.charCodeAt(0);

/**
 * Python's `base64.b64decode(text)` (binascii.a2b_base64, non-strict): characters outside the
 * alphabet are skipped, decoding stops at the padding that ends a quad, and a quad left short
 * ("Incorrect padding") or text that is not ASCII is refused. Undefined means refused.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (/[\u0080-\uffff]/.test(text)) return undefined; // b64decode takes ASCII text only
  const out = Buffer.allocUnsafe(Math.ceil((text.length * 3) / 4));
  let length = 0;
  let quadPosition = 0;
  let leftover = 0;
  let pads = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === PAD) {
      if (quadPosition >= 2 && quadPosition + ++pads >= 4) return out.subarray(0, length);
      continue;
    }
    const value = VALUE.get(code);
    if (value === undefined) continue;
    pads = 0;
    if (quadPosition === 0) leftover = value;
    else if (quadPosition === 1) {
      out[length++] = (leftover << 2) | (value >> 4);
      leftover = value & 0x0f;
    } else if (quadPosition === 2) {
      out[length++] = ((leftover << 4) | (value >> 2)) & 0xff;
      leftover = value & 0x03;
    } else out[length++] = ((leftover << 6) | value) & 0xff;
    quadPosition = (quadPosition + 1) % 4;
  }
  return quadPosition === 0 ? out.subarray(0, length) : undefined;
}

/** `base64.b64decode(text, validate=True)`: only the alphabet and its padding, nothing skipped. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) ? decodeBase64(text) : undefined;
}
