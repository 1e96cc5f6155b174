/** FNV-1a of a string: the prompt's fingerprint, the same on every machine. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A 32-bit integer mix (lowbias32): turns (seed, index) into well-spread bits without state. */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A 0..1 number drawn from a seed and a slot, for placing seeded features. */
export function unit(seed: number, slot: number): number {
  return mix32(mix32(seed) ^ Math.imul(slot + 1, 0x9e3779b9)) / 0x1_0000_0000;
}
