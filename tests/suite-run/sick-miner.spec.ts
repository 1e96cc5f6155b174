import { expect, test } from '@playwright/test';
import { startSickMiner, type Sickness } from '../support/sick-miner.ts';
import { runSuite, type SuiteRun } from '../support/run-suite.ts';

// Short deadlines, as an operator sets them to find out fast: a sick miner must end the run in seconds.
const SICK_DEADLINES = { ASYNC_HTTP_TIMEOUT_SECONDS: '2', ASYNC_JOB_TIMEOUT_SECONDS: '10' };
// The console as an operator sees it: the list reporter and the run summary; the JSON report for the assertions.
const CONSOLE_REPORTERS = '--reporter=list,./setup/skips-and-divergences-reporter.ts,json';

async function runAgainstSickMiner(sickness: Sickness): Promise<{ run: SuiteRun; url: string; wallMs: number }> {
  const miner = await startSickMiner(sickness);
  try {
    const started = performance.now();
    const run = await runSuite({
      env: { ASYNC_MINER_URL: miner.url, ...SICK_DEADLINES },
      args: ['specs/determinism.spec.ts', CONSOLE_REPORTERS],
    });
    return { run, url: miner.url, wallMs: performance.now() - started };
  } finally {
    await miner.close();
  }
}

/**
 * A run that waited out each test's job deadline takes at least (tests × ASYNC_JOB_TIMEOUT_SECONDS); one
 * that stopped at the first sentence takes less, however busy the machine is.
 */
function expectNoWaitPerTest(run: SuiteRun, wallMs: number): void {
  const waitedOutEach = run.tests.length * Number(SICK_DEADLINES.ASYNC_JOB_TIMEOUT_SECONDS) * 1000;
  expect(wallMs, `wall time of the whole run, against ${waitedOutEach / 1000} s for a run waiting out each test`).toBeLessThan(
    waitedOutEach,
  );
}

/** The first test fails with the one sentence, every other is skipped with it, and the console says so once. */
function expectOneFailureThenSkips(run: SuiteRun, sentence: RegExp): string {
  expect(run.exitCode).not.toBe(0);
  const [failed, ...others] = run.tests;
  expect(failed?.outcome, run.output).toBe('unexpected');
  expect(failed!.errors).toMatch(sentence);
  const reason = /MinerUnresponsive: (.*)/.exec(failed!.errors)![1]!;
  expect(others.length).toBeGreaterThan(1);
  for (const other of others) {
    expect(other.outcome, other.title).toBe('skipped');
    expect(other.annotations.find((a) => a.type === 'skip')?.description).toBe(`Not run: ${reason}`);
  }
  expect(run.output).toContain(`[kontext-e2e] Skipped ${others.length} tests: Not run: ${reason}`);
  expect(run.output, 'the raw Playwright call log').not.toContain('Call log:');
  return reason;
}

test('a miner that never answers GET /edit/status fails one test within its HTTP deadline and skips the rest', async () => {
  const { run, url, wallMs } = await runAgainstSickMiner('hangs-on-status');
  const reason = expectOneFailureThenSkips(
    run,
    new RegExp(
      `The miner at ${url} gave no answer within 2 s on GET /edit/status/(e2e-[\\w-]+) during job \\1, [\\d.]+ s into the wait for its end, at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: check that it still runs`,
    ),
  );
  expect(reason).toContain('a miner that edits on its event loop cannot answer while an edit hangs');
  expectNoWaitPerTest(run, wallMs);
});

test('a miner that dies after accepting an edit names ECONNREFUSED once and skips the rest', async () => {
  const { run, url, wallMs } = await runAgainstSickMiner('dies-after-first-edit');
  const reason = expectOneFailureThenSkips(
    run,
    new RegExp(`The miner at ${url} refused the connection \\(ECONNREFUSED\\).* on (GET|POST) /edit`),
  );
  expect(reason, 'a dead miner is not blamed on a hanging edit').toMatch(
    /, at [\d-]+T[\d:.]+Z: check that it still runs and read its log from that moment\.$/,
  );
  // Once in the failure, once in the skip summary line: not once per test or per call.
  expect(run.output.match(/ECONNREFUSED/g)).toHaveLength(2);
  expectNoWaitPerTest(run, wallMs);
});
