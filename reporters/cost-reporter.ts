import type { FullConfig, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import {
  addCosts,
  describeTotal,
  EDIT_TIME_TREND,
  EDIT_TIMES,
  type EditCost,
  type EditTime,
  parseCost,
  parseEditTimes,
  PLANNED_EDITS,
  SPENT_EDITS,
  totalOf,
} from '../lib/report-annotations.ts';
import { readRunContext, runContextPublished, type SetupEdit } from '../setup/run-context.ts';

// Every step the suite spends is a step the operator's GPU does not serve validators: the price is said
// before the first job (from each test's declared plan) and after the last (from what the miner accepted,
// with the miner's own seconds per step), on the console and in the report header.

type ProjectCost = { planned: EditCost[]; spent: EditCost[]; times: EditTime[]; minerUrl?: string };

/** Global setup's own edits on each miner, from the run context once setup published it. */
function setupEdits(): Record<string, SetupEdit[]> {
  return runContextPublished() ? readRunContext().setupEdits : {};
}

export default class CostReporter implements Reporter {
  private config: FullConfig | undefined;
  private readonly projects = new Map<string, ProjectCost>();
  /** The miner-over-time check's reading of the run, first jobs against last, per kind of edit. */
  private readonly trends: { project: string; description: string }[] = [];

  printsToStdio(): boolean {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    for (const test of suite.allTests()) {
      const plan = test.annotations.find((a) => a.type === PLANNED_EDITS);
      // A test skipped when the run is planned (no digest set named) spends nothing.
      if (plan && test.expectedStatus !== 'skipped') this.projectOf(test).planned.push(parseCost(plan.description));
    }
    for (const [project, { planned, minerUrl }] of this.projects) {
      if (!totalOf(addCosts(planned)).edits) continue; // a project that edits nothing has no price
      const setup = this.setupEditsOf(project, minerUrl);
      // A shared edit global setup made is adopted by every worker; no worker makes it again.
      const madeAtSetup = new Set(setupEdits()[minerUrl ?? '']?.flatMap((edit) => (edit.shared ? [edit.shared] : [])));
      const plan = totalOf({
        own: [...setup, ...planned.flatMap((cost) => cost.own), ...sharedEdits(planned, config.workers, madeAtSetup)],
        shared: new Map(),
      });
      const atSetup = setup.length ? `, ${setup.length} of them spent at setup` : '';
      console.log(
        `[kontext-e2e] ${this.named(project)}The ${planned.length} selected tests plan at most ${describeTotal(plan)} on the miner${atSetup} (a shared edit once in each worker that needs it, ${config.workers === 1 ? 'one worker' : `up to ${config.workers} workers`}).`,
      );
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    for (const annotation of result.annotations)
      if (annotation.type === EDIT_TIME_TREND)
        this.trends.push({ project: test.parent.project()?.name ?? '', description: annotation.description ?? '' });
    const cost = this.projectOf(test);
    for (const annotation of result.annotations) {
      if (annotation.type === SPENT_EDITS) cost.spent.push(parseCost(annotation.description));
      if (annotation.type === EDIT_TIMES) cost.times.push(...parseEditTimes(annotation.description));
    }
  }

  onEnd(): void {
    const lines: string[] = [];
    for (const [project, { spent, times, minerUrl }] of this.projects) {
      if (!spent.length) continue;
      const setup = this.setupEditsOf(project, minerUrl);
      // Shared edits are made once per worker, so what was spent counts each time it was made.
      const total = totalOf({ own: [...setup, ...spent.flatMap((cost) => [...cost.own, ...cost.shared.values()])], shared: new Map() });
      const atSetup = setup.length ? `, ${describeTotal(totalOf({ own: setup, shared: new Map() }))} of them at setup` : '';
      lines.push(`${this.named(project)}The run spent ${describeTotal(total)} on the miner${atSetup}${perStep(times)}.`);
    }
    for (const line of lines) console.log(`[kontext-e2e] ${line}`);
    if (lines.length && this.config) this.config.metadata.Cost = lines.join(' ');
    if (!this.trends.length) return;
    const fleet = new Set(this.trends.map(({ project }) => project)).size > 1;
    const readings = this.trends.map(({ project, description }) => `${fleet ? `${project}: ` : ''}${description}`);
    const trend = `The miner's edit time over the run: ${readings.join('; ')}.`;
    console.log(`[kontext-e2e] ${trend}`);
    if (this.config) this.config.metadata['Edit time trend'] = trend;
  }

  private projectOf(test: TestCase): ProjectCost {
    const project = test.parent.project();
    const name = project?.name ?? '';
    let cost = this.projects.get(name);
    const minerUrl = (project?.use as { minerUrl?: string } | undefined)?.minerUrl;
    if (!cost) this.projects.set(name, (cost = { planned: [], spent: [], times: [], minerUrl }));
    return cost;
  }

  /** Setup's edits belong to the first project that tests their miner, so a miner's bill counts them once. */
  private setupEditsOf(project: string, minerUrl: string | undefined): number[] {
    const first = [...this.projects].find(([, cost]) => cost.minerUrl === minerUrl)?.[0];
    return minerUrl && first === project ? (setupEdits()[minerUrl] ?? []).map((edit) => edit.steps) : [];
  }

  /** Lines name their project only when more than one project edits: the proxy and advisory projects, or a fleet. */
  private named(project: string): string {
    const editing = [...this.projects.values()].filter(({ planned, spent }) =>
      [...planned, ...spent].some((c) => c.own.length || c.shared.size),
    );
    return editing.length > 1 ? `${project}: ` : '';
  }
}

/** The steps of every shared edit as often as it can be made: once in each worker that runs a test needing it. */
function sharedEdits(planned: EditCost[], workers: number, madeAtSetup: ReadonlySet<string>): number[] {
  const users = new Map<string, { steps: number; tests: number }>();
  for (const cost of planned)
    for (const [name, steps] of cost.shared)
      if (!madeAtSetup.has(name)) users.set(name, { steps, tests: (users.get(name)?.tests ?? 0) + 1 });
  return [...users.values()].flatMap(({ steps, tests }) => Array<number>(Math.min(tests, workers)).fill(steps));
}

/** `; its own records: 0.113 s per step (1.13 s for a 10-step edit)`, from the edits timed on the miner. */
function perStep(times: EditTime[]): string {
  const steps = times.reduce((sum, time) => sum + time.steps, 0);
  if (!steps) return '';
  const secondsPerStep = times.reduce((sum, time) => sum + time.ms, 0) / 1000 / steps;
  return `; by its own records (started_at → completed_at) ${secondsPerStep.toFixed(3)} s per step, ${(secondsPerStep * 10).toFixed(2)} s for a validator's 10-step edit`;
}
