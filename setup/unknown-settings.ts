import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';

/**
 * An ASYNC_* name the suite does not read is a typo until shown otherwise: ASYNC_MINER_ULR would
 * silently test the bundled miner. Names the first such variable with the known name closest to it.
 */
export function unknownSettingSentence(env: NodeJS.ProcessEnv, known: readonly string[], envFile = '.env'): string | undefined {
  const unknown = Object.keys(env)
    .filter((name) => name.startsWith('ASYNC_') && !known.includes(name))
    .sort();
  const name = unknown[0];
  if (!name) return undefined;
  const closest = [...known].sort((a, b) => editDistance(name, a) - editDistance(name, b))[0]!;
  const where = existsSync(envFile) && Object.hasOwn(parse(readFileSync(envFile)), name) ? envFile : 'the environment';
  const more = unknown.length > 1 ? ` (and ${unknown.slice(1).join(', ')})` : '';
  return `${name}${more} in ${where} is not a setting of the suite; did you mean ${closest}? Rename or remove it (README.md lists every setting).`;
}

/** Levenshtein distance: the fewest single-letter insertions, deletions and substitutions from a to b. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}
