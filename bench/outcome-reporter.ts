import { writeFileSync } from 'node:fs';
import type { FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';

// What the bench reads of a run, and nothing more: each test's outcome and its annotations, and the run's
// errors. Playwright's JSON reporter would also carry every attachment inline (about 45 MB of PNGs for
// a full run), and writing it delayed the end of the run the bench times by about two seconds.

/** Where the reporter writes; the bench sets it for each tier. */
export const OUTCOMES_FILE_VARIABLE = 'BENCH_OUTCOMES_FILE';

/** One test as the bench counts it: its outcome as Playwright says it, and the annotations and times of its last run. */
export type TestOutcome = {
  title: string;
  outcome: ReturnType<TestCase['outcome']>;
  annotations: { type: string; description?: string }[];
  /** Epoch ms and the Playwright worker slot of its last run; absent for a test that never ran. */
  run?: { startedMs: number; endedMs: number; parallelIndex: number };
};

export type RunOutcomes = { status: FullResult['status']; errors: string[]; tests: TestOutcome[] };

export default class OutcomeReporter implements Reporter {
  private suite: Suite | undefined;
  private readonly errors: string[] = [];
  private readonly lastResults = new Map<TestCase, TestResult>();

  printsToStdio(): boolean {
    return false;
  }

  onBegin(_config: unknown, suite: Suite): void {
    this.suite = suite;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.lastResults.set(test, result);
  }

  onError(error: TestError): void {
    this.errors.push(error.message ?? error.value ?? 'an error without a message');
  }

  onEnd(result: FullResult): void {
    const file = process.env[OUTCOMES_FILE_VARIABLE];
    if (!file) throw new Error(`${OUTCOMES_FILE_VARIABLE} names no file: the bench sets it when it runs the suite.`);
    const tests = (this.suite?.allTests() ?? []).map((test): TestOutcome => {
      const last = this.lastResults.get(test);
      return {
        title: test.titlePath().filter(Boolean).join(' › '),
        outcome: test.outcome(),
        // The last result's annotations: a spent count written once per run of the test.
        annotations: (last?.annotations ?? test.annotations).map(({ type, description }) => ({ type, description })),
        ...(last && {
          run: {
            startedMs: last.startTime.getTime(),
            endedMs: last.startTime.getTime() + last.duration,
            parallelIndex: last.parallelIndex,
          },
        }),
      };
    });
    const outcomes: RunOutcomes = { status: result.status, errors: this.errors, tests };
    writeFileSync(file, JSON.stringify(outcomes));
  }
}
