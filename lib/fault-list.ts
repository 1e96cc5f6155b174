import { z } from 'zod';

/**
 * A list of fault names, as a comma-separated setting (`MINER_FAULTS=a,b`) or an array: the reference
 * servers' fault switch, refusing a name they do not know with the names they do.
 */
export function faultListSchema<Name extends string>(known: Readonly<Record<Name, string>>, isName: (name: string) => name is Name) {
  return z
    .union([z.array(z.string()), z.string()])
    .transform((v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    )
    .pipe(
      z.array(
        z.custom<Name>((name) => typeof name === 'string' && isName(name), {
          message: `known faults are ${Object.keys(known).join(', ')}`,
        }),
      ),
    )
    .default([]);
}
