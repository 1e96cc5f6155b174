import { expect, test } from '@playwright/test';
import { startSickMiner, type Sickness } from '../support/sick-miner.ts';
import { runSuite, type SuiteRun } from '../support/run-suite.ts';

// Short deadlines, as an operator sets them to find out fast: a sick miner must end the run in seconds.
const SICK_DEADLINES = { ASYNC_HTTP_TIMEOUT_SECONDS: '2', ASYNC_JOB_TIMEOUT_SECONDS: '10' };
// The console as an operator sees it: the list reporter and the run summary; the JSON report for the assertions.
const CONSOLE_REPORTERS = '--reporter=list,./reporters/skips-and-divergences-reporter.ts,json';

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

// Global setup's first job meets the sickness first: the run stops there, in one sentence, before any test waits.
function expectStoppedAtSetup(run: SuiteRun, sentence: RegExp): void {
  expect(run.exitCode).not.toBe(0);
  expect(run.output).toMatch(sentence);
  expect(
    run.tests.filter((t) => t.outcome !== 'skipped'),
    'tests run after setup stopped',
  ).toEqual([]);
  expect(run.output, 'the raw Playwright call log').not.toContain('Call log:');
}

test('a miner that never answers GET /edit/status stops the run at setup within its HTTP deadline', async () => {
  const { run, url, wallMs } = await runAgainstSickMiner('hangs-on-status');
  expectStoppedAtSetup(
    run,
    new RegExp(
      `The miner at ${url} gave no answer within 2 s on GET /edit/status/[0-9a-f-]{36} during global setup's first job, at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: check that it still runs and read its log from that moment; a miner that edits on its event loop cannot answer while an edit hangs\\.`,
    ),
  );
  expect(wallMs, 'wall time of the whole run').toBeLessThan(45_000);
});

test('a miner that dies after accepting an edit names ECONNREFUSED once, at setup', async () => {
  const { run, url, wallMs } = await runAgainstSickMiner('dies-after-first-edit');
  expectStoppedAtSetup(
    run,
    new RegExp(
      `The miner at ${url} refused the connection \\(ECONNREFUSED\\): the process is gone or no longer listens on GET /edit/status/[0-9a-f-]{36} during global setup's first job`,
    ),
  );
  expect(wallMs, 'wall time of the whole run').toBeLessThan(45_000);
});

test('a miner that dies mid-run is named by the tests it was serving, and every later test is skipped with that sentence', async () => {
  const { run, url, wallMs } = await runAgainstSickMiner('dies-mid-run');
  expect(run.exitCode).not.toBe(0);
  // The tests in flight when it died each meet the refusal (at most one per Playwright worker); the rest are not run.
  const failed = run.tests.filter((t) => t.outcome === 'unexpected');
  expect(failed.length, run.output).toBeGreaterThanOrEqual(1);
  const sentences = failed.map((t) => /MinerUnresponsive: (.*)/.exec(t.errors)?.[1]);
  for (const sentence of sentences)
    expect(sentence).toMatch(new RegExp(`^The miner at ${url} refused the connection \\(ECONNREFUSED\\).* on (GET|POST) /edit`));
  const skipped = run.tests.filter((t) => t.outcome === 'skipped');
  expect(skipped.length, 'tests skipped once the miner was known dead').toBeGreaterThan(0);
  for (const t of skipped)
    expect(
      sentences.map((sentence) => `Not run: ${sentence}`),
      t.title,
    ).toContain(t.annotations.find((a) => a.type === 'skip')?.description);
  expect(run.output, 'the raw Playwright call log').not.toContain('Call log:');
  expect(wallMs, 'wall time of the whole run').toBeLessThan(45_000);
});
