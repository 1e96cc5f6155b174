/** Misbehaviours of real reverse proxies the reference proxy can imitate, each documented in one line. */
export const PROXY_FAULTS = {
  'accepts-unsigned': 'A request with no Authorization header is forwarded unchecked, as when the auth dependency is left off a route.',
  'ignores-signed-for':
    'Epistula-Signed-For is never compared with auth.miner_hotkey, so a request signed for another miner is replayed here.',
  'no-staleness-check': 'The timestamp is never compared with the clock, so a captured request can be replayed at any later time.',
  'rewrites-body':
    "The JSON body is re-serialised through a model of the seed protocol's fields: keys sorted, Python spacing, image_url and other fields it does not know dropped.",
  'late-without-202':
    'POST /edit is proxied as a synchronous route (300 s timeout): a miner slower than 10 s is answered late, never with a 202.',
  'ignores-allowed-senders': 'auth.allowed_senders is never consulted, so a valid signature from any key is forwarded.',
  'check-any-hotkey': '/check/<hotkey> answers ok without comparing the hotkey with auth.miner_hotkey, so it vouches for every miner.',
  'capacity-missing': 'The /capacity route is not registered (a build from before it was added), so a signed GET /capacity is a 404.',
  'signature-unchecked':
    "The sr25519 verdict is computed but never tested (keypair.verify's result dropped), so a signature over another body, or by another key, passes.",
  'root-missing':
    'GET / is not registered (only /check, /capacity and the forwarded routes are), so the health probe validators send before anything else is a 404.',
  'capacity-without-img':
    'GET /capacity advertises text-to-image alone ({"base-h100_pcie": true}), as a proxy set up before Kontext editing does, so validators never send it a Kontext job.',
  'capacity-not-booleans':
    'GET /capacity writes the Kontext flag as a string ("img-h100_pcie": "true"), as a table read from environment variables gives it, so validators void the whole capacity.',
  'capacity-hashes-empty-body':
    "GET /capacity checks the signature over an empty body instead of the body received, as a route that never reads a GET's body does, so validators' signed {} is refused 401.",
} as const;

export type ProxyFaultName = keyof typeof PROXY_FAULTS;

export function isProxyFaultName(name: string): name is ProxyFaultName {
  return Object.hasOwn(PROXY_FAULTS, name);
}

/** The active faults; `has` is how every fault site asks. */
export class ProxyFaults {
  private readonly active: ReadonlySet<ProxyFaultName>;
  constructor(names: readonly ProxyFaultName[] = []) {
    this.active = new Set(names);
  }
  has(name: ProxyFaultName): boolean {
    return this.active.has(name);
  }
  list(): ProxyFaultName[] {
    return [...this.active];
  }
}
