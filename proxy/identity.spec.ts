import { expect, freshKey, plannedEdits, test } from '../fixtures/index.ts';

// Validators find a miner's proxy by its hotkey and read what it serves before they send work.

test(
  'GET /check/<hotkey> answers ok for the miner hotkey and 404 for another',
  { tag: '@proxy-check-hotkey', annotation: plannedEdits() },
  async ({ validatorPath }) => {
    const stranger = (await freshKey()).address;
    expect(await validatorPath.check(validatorPath.minerHotkey)).toBeAnsweredByProxy(
      200,
      "set auth.miner_hotkey in the proxy's config.json to the miner's hotkey, or ASYNC_MINER_HOTKEY to the hotkey the proxy serves",
    );
    expect(await validatorPath.check(stranger)).toBeAnsweredByProxy(
      404,
      'the proxy must confirm only auth.miner_hotkey, else validators take it for another miner',
    );
  },
);

test(
  'a signed GET /capacity answers 200 with the advertised capabilities',
  { tag: '@proxy-capacity', annotation: plannedEdits() },
  async ({ validatorPath }) => {
    expect(await validatorPath.capacity()).toBeAnsweredByProxy(
      200,
      'check that ASYNC_SIGNER_URI is a sender in auth.allowed_senders and that /capacity answers the capabilities validators route on',
    );
  },
);
