import { KONTEXT_CAPABILITY, TEXT_TO_IMAGE_CAPABILITY, type ProxyCapacity } from '../protocol/epistula.ts';
import type { ProxyFaults } from './faults.ts';

/** What signed GET /capacity advertises: the upstream proxy's own default table. */
export const CAPACITY: ProxyCapacity = {
  [TEXT_TO_IMAGE_CAPABILITY]: true,
  [KONTEXT_CAPABILITY]: true,
};

/** The capacity answer as the active faults bend it. */
export function capacityAnswer(faults: ProxyFaults): Record<string, unknown> {
  if (faults.has('capacity-without-img')) return { [TEXT_TO_IMAGE_CAPABILITY]: true };
  if (faults.has('capacity-not-booleans')) return { [TEXT_TO_IMAGE_CAPABILITY]: true, [KONTEXT_CAPABILITY]: 'true' };
  return CAPACITY;
}
