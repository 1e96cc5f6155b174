// What the suite's tests tell its reporters and the bench: the annotation types, and the text of an edit cost.
import type { JobVerdict } from '../protocol/orchestrator.ts';

/** A divergence from the seed protocol that a later-revision miner may keep; printed once at the end of the run. */
export const DIVERGENCE = 'divergence';

/** How many HTTP calls a test made to the miner: `npm run bench` sums them into requests per job. */
export const MINER_REQUESTS = 'miner requests';

/** The edits a test plans to submit, declared in its details: summed before the first job. */
export const PLANNED_EDITS = 'planned edits';

/** The edits a test did submit and the miner accepted, written when it ends: summed into what the run cost. */
export const SPENT_EDITS = 'spent edits';

/** The miner's seconds per step, first jobs against last, per kind of edit: printed at the end of the run. */
export const EDIT_TIME_TREND = 'edit time trend';

/** Steps and the miner's own edit time (`started_at` → `completed_at`) of each edit a test saw complete. */
export const EDIT_TIMES = 'edit times';

// What edits cost on a miner's GPU, in denoising steps (docs/protocol.md, "Cost on real hardware"): each test
// declares the edits it plans, the miner client records those it spent, and the reporter and the bench
// add them up. An edit is written `<steps>`, or `<name>@<steps>` for an edit shared by every test of a worker.

/** The edits of one test: the steps of each edit of its own, and the shared edits it uses, by name. */
export type EditCost = { own: number[]; shared: Map<string, number> };

export function emptyCost(): EditCost {
  return { own: [], shared: new Map() };
}

/** `10 10 28 base@10`: the annotation text of a cost. */
export function formatCost({ own, shared }: EditCost): string {
  return [...own.map(String), ...[...shared].map(([name, steps]) => `${name}@${steps}`)].join(' ');
}

/** Reads an annotation written by formatCost; a word it cannot read is a mistake in a test's plan, said at once. */
export function parseCost(text: string | undefined): EditCost {
  const cost = emptyCost();
  for (const word of (text ?? '').split(/\s+/).filter(Boolean)) {
    const match = /^(?:([a-z][\w-]*)@)?(\d+)$/.exec(word);
    if (!match) throw new Error(`An edit plan is written as steps ("10") or a shared edit ("base@10"), but it holds "${word}".`);
    if (match[1]) cost.shared.set(match[1], Number(match[2]));
    else cost.own.push(Number(match[2]));
  }
  return cost;
}

/** Several tests' costs as one: own edits add up, a shared edit counts once. */
export function addCosts(costs: Iterable<EditCost>): EditCost {
  const total = emptyCost();
  for (const cost of costs) {
    total.own.push(...cost.own);
    for (const [name, steps] of cost.shared) total.shared.set(name, steps);
  }
  return total;
}

/** Edits and steps of a cost. */
export function totalOf(cost: EditCost): { edits: number; steps: number } {
  const shared = [...cost.shared.values()];
  return {
    edits: cost.own.length + shared.length,
    steps: [...cost.own, ...shared].reduce((sum, steps) => sum + steps, 0),
  };
}

/** `37 edits and 424 steps`. */
export function describeTotal({ edits, steps }: { edits: number; steps: number }): string {
  return `${edits} edit${edits === 1 ? '' : 's'} and ${steps} denoising step${steps === 1 ? '' : 's'}`;
}

/** One timed edit: its steps and the miner's own `completed_at - started_at`. */
export type EditTime = { steps: number; ms: number };

export function formatEditTimes(times: EditTime[]): string {
  return times.map(({ steps, ms }) => `${steps}:${Math.round(ms)}`).join(' ');
}

export function parseEditTimes(text: string | undefined): EditTime[] {
  return (text ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const [steps, ms] = word.split(':').map(Number);
      return { steps: steps!, ms: ms! };
    });
}

/** The edits of `spent` that `planned` does not hold (each planned edit covers one spent edit of its steps), as words. */
export function unplanned(planned: EditCost, spent: EditCost): string[] {
  const left = [...planned.own];
  const extra: string[] = [];
  for (const steps of spent.own) {
    const i = left.indexOf(steps);
    if (i < 0) extra.push(`an edit of ${steps} steps`);
    else left.splice(i, 1);
  }
  for (const name of spent.shared.keys()) if (!planned.shared.has(name)) extra.push(`the shared edit "${name}"`);
  return extra;
}

/**
 * A test's declared edits, as a detail of the test: the steps of each edit of its own, and the shared
 * edits it uses. The run says their sum before the first job; the fault matrix holds each test to it.
 */
export function plannedEdits(...edits: (number | { name: string; steps: number })[]) {
  const cost = emptyCost();
  for (const edit of edits)
    if (typeof edit === 'number') cost.own.push(edit);
    else cost.shared.set(edit.name, edit.steps);
  return { type: PLANNED_EDITS, description: formatCost(cost) };
}

/** The annotation each job judged as the orchestrator judges it leaves for the pay reporter: a JSON `PaidJob`. */
export const ORCHESTRATOR_VERDICT = 'orchestrator verdict';

/** One orchestrator-shaped job as the pay reporter reads it; `audit` marks the broadcast, whose failure bans. */
export type PaidJob = { name: string; jobId: string; calledBackMs: number | undefined; verdict: JobVerdict; audit: boolean };
