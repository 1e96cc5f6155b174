import { stripVTControlCharacters } from 'node:util';
import { DIVERGENCE } from '../lib/report-annotations.ts';
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Ends the console output with each decision the run made about tests, said once: one line per
 * distinct skip reason and per distinct protocol divergence, with how many tests it concerns, and one
 * line per cause that several failures share. In a fleet each line names its miner (the project).
 * Playwright's list reporter names skipped tests but never why, and repeats one cause per test.
 */
export default class RunSummaryReporter implements Reporter {
  private readonly skipReasons = new Map<string, string[]>();
  private readonly divergences = new Map<string, string[]>();
  private readonly causes = new Map<string, string[]>();
  private fleet = false;

  onBegin(config: FullConfig): void {
    // A fleet is more than one miner, whatever projects (advisory, proxy) test each.
    this.fleet = new Set(config.projects.map((p) => (p.use as { minerUrl?: string }).minerUrl).filter(Boolean)).size > 1;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const annotations = [...test.annotations, ...result.annotations];
    const miner = this.fleet ? `${test.parent.project()?.name ?? '?'}: ` : '';
    if (result.status === 'skipped') {
      const reason = annotations.find((a) => a.type === 'skip' || a.type === 'fixme')?.description || '(no reason given)';
      add(this.skipReasons, miner + reason, test.title);
    }
    for (const divergence of new Set(annotations.filter((a) => a.type === DIVERGENCE).map((a) => a.description ?? '')))
      add(this.divergences, miner + divergence, test.title);
    if (result.status === 'failed' || result.status === 'timedOut') {
      const cause = causeOf(result);
      if (cause) add(this.causes, miner + cause, test.title);
    }
  }

  onEnd(_result: FullResult): void {
    for (const [reason, tests] of this.skipReasons) console.log(`[kontext-e2e] Skipped ${plural(tests.length)}: ${reason}`);
    for (const [divergence, tests] of this.divergences)
      console.log(`[kontext-e2e] Divergence seen in ${plural(tests.length)}: ${divergence}`);
    for (const [cause, tests] of this.causes)
      if (tests.length > 1) console.log(`[kontext-e2e] ${tests.length} failures share one cause: ${cause} (${tests.join('; ')})`);
  }

  printsToStdio(): boolean {
    return false; // only a few lines at the end: the list reporter keeps the console
  }
}

/**
 * The first line of the first error, with what differs from test to test (job ids, digests, seconds)
 * blanked out, so that failures from one root cause meet under one line.
 */
export function causeOf(result: TestResult): string | undefined {
  const message = result.errors.map((e) => stripVTControlCharacters(e.message ?? '')).find(Boolean);
  const first = message
    ?.split('\n')[0]
    ?.replace(/^\w*Error: /, '')
    .trim();
  if (!first) return undefined;
  return first
    .replace(/\b(e2e|edit)-[0-9a-f-]{8,}/g, '<job>')
    .replace(/\b[0-9a-f]{8,}(?=…)/g, '<digest>')
    .replace(/\b\d+(\.\d+)? (s|ms)\b/g, '<time>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<clock>');
}

function add(groups: Map<string, string[]>, key: string, title: string): void {
  groups.set(key, [...(groups.get(key) ?? []), title]);
}

function plural(tests: number): string {
  return tests === 1 ? '1 test' : `${tests} tests`;
}
