import type { ProxyCapacity } from '../protocol/epistula.ts';

/** What signed GET /capacity advertises: the upstream proxy's own default table. */
export const CAPACITY: ProxyCapacity = {
  'base-h100_pcie': true,
  'img-h100_pcie': true,
};
