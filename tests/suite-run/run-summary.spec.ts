import { expect, test } from '@playwright/test';
import { runSuite } from '../support/run-suite.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';

const CONSOLE_REPORTERS = 'list,./reporters/skips-and-divergences-reporter.ts,json';

test('failures that share one root cause are grouped under it in one line at the end of the run', async () => {
  const run = await withReferenceMiner({ faults: ['unstable-png-bytes'] }, (minerUrl) =>
    runSuite({ env: { ASYNC_MINER_URL: minerUrl }, reporter: CONSOLE_REPORTERS, args: ['specs/determinism.spec.ts'] }),
  );
  const failed = run.tests.filter((t) => t.outcome === 'unexpected');
  expect(failed.length, run.output).toBeGreaterThan(1);
  const line = new RegExp(
    `^\\[kontext-e2e\\] (\\d+) failures share one cause: Same request, same pixels, different PNG file bytes: write the PNG with fixed encoder settings and no per-run metadata .*\\((.+)\\)$`,
    'm',
  ).exec(run.output);
  expect(line, run.output).not.toBeNull();
  expect(Number(line![1]), 'tests the cause explains').toBeGreaterThan(1);
  for (const title of line![2]!.split('; ')) expect(failed.map((t) => t.title.split(' › ').at(-1))).toContain(title);
  // The cause and its fix lead each failure: the first line of the error.
  for (const t of failed) expect(t.errors.split('\n')[0]).toMatch(/^(Error: )?Same request, (same|different) pixels/);
});
