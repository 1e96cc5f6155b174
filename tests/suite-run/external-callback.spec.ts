import { expect, test } from '@playwright/test';
import { CallbackServer } from '../../lib/callback-server.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';
import { runSuite } from '../support/run-suite.ts';

test("with ASYNC_USE_EXTERNAL_CALLBACK=true the callback specs read an external receiver's GET /callbacks", async () => {
  const external = await CallbackServer.start({ host: '127.0.0.1', port: 0 });
  try {
    const run = await withReferenceMiner({ faults: [] }, (minerUrl) =>
      runSuite({
        env: { ASYNC_MINER_URL: minerUrl, ASYNC_USE_EXTERNAL_CALLBACK: 'true', ASYNC_CALLBACK_BASE_URL: external.baseUrl },
        args: ['specs/edit-callback.spec.ts'],
      }),
    );
    expect(run.output).toContain(
      `rule external: ASYNC_USE_EXTERNAL_CALLBACK=true: callbacks go to the external receiver at ${external.baseUrl}`,
    );
    const failed = run.tests.filter((t) => t.outcome === 'unexpected' || t.outcome === 'flaky');
    expect(failed.map((t) => `${t.title}: ${t.outcome}\n${t.errors}`)).toEqual([]);
    // Only what an external receiver cannot do is skipped: choose its answer, show the file parts.
    const skipped = run.tests.filter((t) => t.outcome === 'skipped').flatMap((t) => t.tags.filter((tag) => tag !== '@slow'));
    expect(skipped.sort(), 'checks skipped in external mode').toEqual(['@callback-answer-recorded', '@callback-parts']);
    expect(run.tests.length).toBeGreaterThanOrEqual(3);
    expect(external.receivedNow().length, 'callbacks the external receiver got').toBeGreaterThanOrEqual(2);
  } finally {
    await external.close();
  }
});
