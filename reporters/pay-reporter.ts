import type { FullConfig, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { ORCHESTRATOR_VERDICT, type PaidJob } from '../lib/report-annotations.ts';
import { steadyScore } from '../protocol/orchestrator.ts';

// What the validators would pay for this run's orchestrator-shaped jobs, as the orchestrator scores them
// (protocol/orchestrator.ts): each job's score or failure reason, the score they leave, and any ban risk. Said on the
// console at the end and in the report header, beside the cost.

export default class PayReporter implements Reporter {
  private config: FullConfig | undefined;
  private readonly jobs = new Map<string, PaidJob[]>();

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig): void {
    this.config = config;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()?.name ?? '';
    for (const annotation of result.annotations)
      if (annotation.type === ORCHESTRATOR_VERDICT && annotation.description)
        this.jobs.set(project, [...(this.jobs.get(project) ?? []), JSON.parse(annotation.description) as PaidJob]);
  }

  onEnd(): void {
    const fleet = this.jobs.size > 1;
    const lines = [...this.jobs].map(([project, jobs]) => `${fleet ? `${project}: ` : ''}${payLine(jobs)}`);
    for (const line of lines) console.log(`[kontext-e2e] ${line}`);
    if (lines.length && this.config) this.config.metadata['Validator pay'] = lines.join(' | ');
  }
}

/** `What validators would pay: …; the score these jobs leave …; ban risk …`, the jobs in the order their callbacks came. */
export function payLine(jobs: readonly PaidJob[]): string {
  const ordered = [...jobs].sort((a, b) => (a.calledBackMs ?? Infinity) - (b.calledBackMs ?? Infinity));
  const each = ordered.map(({ name, verdict }) =>
    verdict.ok
      ? `${name} ${verdict.score.toFixed(3)} (${(verdict.totalRuntimeMs / 1000).toFixed(2)} s)`
      : `${name} failed: ${verdict.reason}`,
  );
  const banned = ordered.filter((job) => job.audit && !job.verdict.ok);
  const ban = banned.length
    ? `BAN RISK: the audit broadcast rehearsal failed (${banned.map((job) => (job.verdict.ok ? '' : job.verdict.reason)).join(', ')}), and one failed broadcast bans a miner for good`
    : 'no ban risk from the audit broadcast rehearsal';
  return `What validators would pay for this run's orchestrator-shaped jobs: ${each.join(', ')}; the score they leave ${steadyScore(ordered.map((job) => job.verdict)).toFixed(3)} (each success replaces the score, each failure keeps 0.8 of it); ${ban}.`;
}
