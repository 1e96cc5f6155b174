import { expect, plannedEdits, test } from '../fixtures/index.ts';

// Every 20 minutes validators check each miner before they send it work: its committed address over https, GET /
// answering 200, then a signed GET /capacity that must flag Kontext editing. A miner that fails gets no Kontext job.

test(
  'ASYNC_PROXY_URL is https:// with a certificate Node trusts by default, as validators reach it',
  { tag: '@proxy-https', annotation: plannedEdits() },
  async ({ validatorPath }) => {
    test.skip(
      validatorPath.bundled,
      'The bundled reference proxy is plain http on loopback, which validators never reach: set ASYNC_PROXY_URL to your proxy to check its https:// address and certificate.',
    );
    expect(await validatorPath.httpsProblem(), 'ASYNC_PROXY_URL as validators reach it').toBeUndefined();
  },
);

test(
  'GET / answers 200 within 10 s, as validators probe it',
  { tag: '@proxy-health', annotation: plannedEdits() },
  async ({ validatorPath }) => {
    expect(await validatorPath.health()).toBeAnsweredByProxy(200, 'serve 200 at GET / of the proxy, unsigned, within 10 s');
  },
);

test(
  'a signed GET /capacity with the body {} answers a JSON object of booleans holding "img-h100_pcie": true',
  { tag: '@proxy-capacity', annotation: plannedEdits() },
  async ({ validatorPath }) => {
    expect(await validatorPath.capacity()).toBeAnsweredByProxy(
      200,
      'answer as the upstream proxy does, {"base-h100_pcie": true, "img-h100_pcie": true}, to a signature over the body received ({} from validators) by a sender in auth.allowed_senders (ASYNC_SIGNER_URI)',
    );
  },
);
