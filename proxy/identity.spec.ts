import { expect, freshKey, plannedEdits, test } from '../fixtures/index.ts';

// The subnet's tools find a miner's proxy by its hotkey: the proxy vouches for its own miner and no other.

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
