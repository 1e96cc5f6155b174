import { DIVERGENCE } from '../lib/report-annotations.ts';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Ends the console output with each decision the run made about tests, said once: one line per
 * distinct skip reason and per distinct protocol divergence, with how many tests it concerns.
 * Playwright's list reporter names skipped tests but never why.
 */
export default class RunSummaryReporter implements Reporter {
  private readonly skipReasons = new Map<string, number>();
  private readonly divergences = new Map<string, number>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const annotations = [...test.annotations, ...result.annotations];
    if (result.status === 'skipped') {
      const reason = annotations.find((a) => a.type === 'skip' || a.type === 'fixme')?.description || '(no reason given)';
      count(this.skipReasons, reason);
    }
    for (const divergence of new Set(annotations.filter((a) => a.type === DIVERGENCE).map((a) => a.description ?? '')))
      count(this.divergences, divergence);
  }

  onEnd(_result: FullResult): void {
    for (const [reason, tests] of this.skipReasons) console.log(`[kontext-e2e] Skipped ${plural(tests)}: ${reason}`);
    for (const [divergence, tests] of this.divergences) console.log(`[kontext-e2e] Divergence seen in ${plural(tests)}: ${divergence}`);
  }

  printsToStdio(): boolean {
    return false; // only a few lines at the end: the list reporter keeps the console
  }
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function plural(tests: number): string {
  return tests === 1 ? '1 test' : `${tests} tests`;
}
