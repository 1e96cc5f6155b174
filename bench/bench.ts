import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JSONReport } from '@playwright/test/reporter';
import { JobListingSchema } from '../protocol/listings.ts';
import { SETUP_JOB_PREFIX } from '../setup/callback-path-check.ts';
import { ActivityReportSchema } from '../reference-miner/activity-log.ts';
import { busyAndIdle, countListed, countTests, round, stepCost, timeline } from './measures.ts';
import { getJson, startMinerProcess, type MinerShape } from './miner-process.ts';
import { BenchOptionError, parseBenchOptions, USAGE, type BenchOptions, type BenchTier, type TestFilter } from './options.ts';
import { OUTCOMES_FILE_VARIABLE, type RunOutcomes } from './outcome-reporter.ts';

// `npm run bench`: the suite, tier by tier, against a fresh reference miner of a given shape (workers, blocking
// while it edits, callback hold) whose simulated GPU time is priced in steps (fixed + steps × per-step); per tier
// it reports edits, steps, the miner's busy time against the suite's wall time, where the idle went, and the
// seconds per step the miner's own records show.
// `npm run bench -- --help` lists the options.

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const PLAYWRIGHT_CLI = fileURLToPath(new URL('../node_modules/@playwright/test/cli.js', import.meta.url));
const OUTCOME_REPORTER = fileURLToPath(new URL('./outcome-reporter.ts', import.meta.url));
// Records must outlive the run, since the steps are summed from GET /jobs after it (upstream drops them after 300 s).
const RECORDS_KEPT_SECONDS = 7 * 24 * 3600;

type TierResult = { tier: BenchTier; noTests: string } | ({ tier: BenchTier; file: string; exitCode: number } & Measures);
type Measures = Awaited<ReturnType<typeof measure>>;

const options = readOptionsOrExit();
const results: TierResult[] = [];
for (const tier of options.tiers) results.push(await benchTier(tier, options));
printTable(results, options);
process.exitCode = exitCodeOf(results, options);

function readOptionsOrExit(): BenchOptions {
  try {
    const parsed = parseBenchOptions(process.argv.slice(2), process.env);
    if (parsed.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return parsed;
  } catch (error) {
    if (!(error instanceof BenchOptionError)) throw error;
    console.error(`[bench] ${error.message}`);
    process.exit(2);
  }
}

/** One tier against its own miner, so its /jobs and activity log hold that tier's jobs alone. */
async function benchTier(tier: BenchTier, options: BenchOptions): Promise<TierResult> {
  const { minerWorkers, suiteWorkers, latencyMs, stepMs, blocking, outDir } = options;
  const outputDir = mkdtempSync(path.join(tmpdir(), 'kontext-bench-'));
  const shape: MinerShape = { workers: minerWorkers, blocking, holdSeconds: options.holdSeconds, latencyMs, stepMs };
  const miner = await startMinerProcess(shape, outputDir, RECORDS_KEPT_SECONDS);
  try {
    const plannedTests = await listTests(tier.filter, miner.url);
    if (plannedTests === 0) return { tier, noTests: noTestsSentence(tier) };
    console.log(
      `[bench] tier ${tier.name} (${describeFilter(tier.filter)}): ${plannedTests} tests, ${describeShape(miner.holdSeconds, options)}`,
    );
    const outcomesFile = path.join(outputDir, 'outcomes.json');
    const startedMs = Date.now();
    const exitCode = await runPlaywright(
      ['test', `--workers=${suiteWorkers}`, `--reporter=dot,${OUTCOME_REPORTER}`, ...filterArgs(tier.filter)],
      { ASYNC_MINER_URL: miner.url, [OUTCOMES_FILE_VARIABLE]: outcomesFile },
    ).exitCode;
    const endedMs = Date.now();
    const outcomes = readOutcomes(outcomesFile);
    if (mentionsNoTests(outcomes.errors)) return { tier, noTests: noTestsSentence(tier) };
    const measures = {
      plannedTests,
      ...(await measure(miner.url, outcomes, startedMs, endedMs, miner.holdSeconds)),
    };
    const file = path.join(outDir, resultFileName(tier, options));
    mkdirSync(outDir, { recursive: true });
    const settings = { tier: tier.name, filter: tier.filter, minerWorkers, blocking, suiteWorkers, latencyMs, stepMs, exitCode };
    writeFileSync(file, `${JSON.stringify({ ...settings, ...measures }, null, 2)}\n`);
    return { tier, file, exitCode, ...measures };
  } finally {
    await miner.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
}

/** The tests a filter selects, from Playwright's `--list` (nothing runs, no global setup). */
async function listTests(filter: TestFilter, minerUrl: string): Promise<number> {
  const listing = runPlaywright(['test', '--list', '--reporter=json', ...filterArgs(filter)], { ASYNC_MINER_URL: minerUrl }, 'pipe');
  const [exitCode, stdout] = await Promise.all([listing.exitCode, listing.stdout]);
  let report: JSONReport;
  try {
    report = JSON.parse(stdout) as JSONReport;
  } catch {
    throw new Error(`Playwright could not list the tests (exit code ${exitCode}): run \`npx playwright test --list\` to see why.`);
  }
  if (mentionsNoTests(report.errors.map((error) => error.message ?? ''))) return 0;
  if (exitCode !== 0)
    throw new Error(
      `Playwright could not list the tests: ${report.errors.map((error) => (error.message ?? '').split('\n')[0]).join('; ')}`,
    );
  return countListed(report);
}

/** Edits and steps from the miner's own GET /jobs, busy time from its activity log, tests from their outcomes. */
async function measure(minerUrl: string, outcomes: RunOutcomes, startedMs: number, endedMs: number, holdSeconds: number) {
  const activity = ActivityReportSchema.parse(await getJson(minerUrl, '/reference/activity'));
  const records = JobListingSchema.parse(await getJson(minerUrl, '/jobs?job_type=edit')).edit_jobs ?? [];
  const tests = countTests(outcomes.tests);
  const { steps, ...cost } = stepCost(records);
  const setup = records.filter((record) => record.id.startsWith(SETUP_JOB_PREFIX));
  return {
    /** The callback hold the miner said it keeps (GET /health). */
    holdSeconds,
    editJobs: records.length,
    steps,
    /** Global setup's job proving the callback path, which the tests' annotations do not count. */
    setupJobs: { editJobs: setup.length, steps: setup.reduce((sum, record) => sum + record.request.num_inference_steps, 0) },
    /** The same count from the reference miner's activity log, which also keeps jobs whose record a reused job_id replaced. */
    activityLog: { editJobs: activity.jobs.length, steps: activity.jobs.reduce((sum, job) => sum + job.steps, 0) },
    ...cost,
    tests,
    ...withOneHoldAllowed(busyAndIdle(activity, startedMs, endedMs, tests.minerRequests, firstTestStarted(outcomes)), holdSeconds),
    timeline: timeline(activity, outcomes.tests, startedMs),
  };
}

/**
 * The ratio with one callback hold taken off the wall: a run must wait out the hold of its last callback (and
 * setup that of its first) whatever the suite does, so wall ≤ 1.10 × busy + one hold is the target it can meet.
 */
function withOneHoldAllowed<T extends { wallMs: number; busyMs: number; perWorkerBusyMs: number[] }>(measured: T, holdSeconds: number) {
  const { wallMs, busyMs, perWorkerBusyMs } = measured;
  const busyPerWorker = busyMs / perWorkerBusyMs.length;
  return { ...measured, wallLessOneHoldOverBusy: busyMs > 0 ? round((wallMs - holdSeconds * 1000) / busyPerWorker) : null };
}

/** One file per tier and shape, so benches of two shapes keep each other's results. */
function resultFileName(tier: BenchTier, { minerWorkers, blocking, holdSeconds }: BenchOptions): string {
  return `bench-${tier.name}-${minerWorkers}w${blocking ? '-blocking' : ''}${holdSeconds === undefined ? '' : `-hold${holdSeconds}s`}.json`;
}

function describeShape(holdSeconds: number, { minerWorkers, blocking, latencyMs, stepMs }: BenchOptions): string {
  return `the reference miner at ${minerWorkers} worker(s)${blocking ? ', answering nothing while it edits' : ''}, callbacks held ${holdSeconds} s, ${latencyMs} ms per edit + ${stepMs} ms per step`;
}

function firstTestStarted(outcomes: RunOutcomes): number | undefined {
  const starts = outcomes.tests.flatMap((test) => (test.run ? [test.run.startedMs] : []));
  return starts.length ? Math.min(...starts) : undefined;
}

function mentionsNoTests(errors: string[]): boolean {
  return errors.some((message) => /No tests found/.test(message));
}

function readOutcomes(file: string): RunOutcomes {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunOutcomes;
  } catch (error) {
    throw new Error(`Playwright's run wrote no outcomes at ${file} (${(error as Error).message}); its own output above says why.`, {
      cause: error,
    });
  }
}

/** node and Playwright's CLI directly: npx's own start (about half a second) is not the suite's. */
function runPlaywright(args: string[], env: Record<string, string>, stdout: 'inherit' | 'pipe' = 'inherit') {
  const child = spawn(process.execPath, [PLAYWRIGHT_CLI, ...args], {
    cwd: REPOSITORY,
    stdio: ['ignore', stdout, 'inherit'],
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exitCode = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return { exitCode, stdout: exitCode.then(() => output) };
}

function filterArgs(filter: TestFilter): string[] {
  return [...(filter.grep ? ['--grep', filter.grep] : []), ...(filter.grepInvert ? ['--grep-invert', filter.grepInvert] : [])];
}

function describeFilter(filter: TestFilter): string {
  return filterArgs(filter).join(' ') || 'every test';
}

function noTestsSentence(tier: BenchTier): string {
  return tier.name === 'custom'
    ? `No test matches ${describeFilter(tier.filter)}, so nothing was run: check the pattern with \`npx playwright test --list ${describeFilter(tier.filter)}\`.`
    : `Tier ${tier.name} (${describeFilter(tier.filter)}) matches no test yet, so it was not run and has no result file: tag the tests it should hold, or bench another tier.`;
}

/** Failures fail the bench; a tier with no tests fails it only when it was the one tier asked for. */
function exitCodeOf(results: TierResult[], options: BenchOptions): number {
  if (results.some((result) => 'exitCode' in result && result.exitCode !== 0)) return 1;
  return options.tiers.length === 1 && 'noTests' in results[0]! ? 1 : 0;
}

function printTable(results: TierResult[], options: BenchOptions): void {
  // Busy and idle in worker-seconds: the three idle columns and busy add up to wall × miner workers. The setup gap
  // is wall with no worker occupied from setup's jobs to the tests' first: setup waiting out its first callback's
  // hold, then Playwright starting its workers.
  const header = [
    'tier',
    'tests p/f/s',
    'edits',
    'steps',
    'busy',
    'wall',
    'wall/busy',
    '(wall-hold)/busy',
    'idle before',
    'between',
    'after',
    'setup gap (wall)',
    's/step',
    'fixed + per step',
  ];
  const rows = results.flatMap((result) =>
    'noTests' in result
      ? []
      : [
          [
            result.tier.name,
            `${result.tests.passed}/${result.tests.failed}/${result.tests.skipped}`,
            String(result.editJobs),
            String(result.steps),
            seconds(result.busyMs),
            seconds(result.wallMs),
            result.wallOverBusy === null ? '-' : result.wallOverBusy.toFixed(3),
            result.wallLessOneHoldOverBusy === null ? '-' : result.wallLessOneHoldOverBusy.toFixed(3),
            seconds(result.idle.beforeFirstJobMs),
            seconds(result.idle.betweenJobsMs),
            seconds(result.idle.afterLastJobMs),
            seconds(result.idle.wholeMinerIdle.beforeTestsMs),
            result.secondsPerStep === null ? '-' : result.secondsPerStep.toFixed(3),
            result.editTimeFit ? `${result.editTimeFit.fixedMs} + ${result.editTimeFit.perStepMs} ms` : '-',
          ],
        ],
  );
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    `[bench] ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`;
  const measured = results.find((result) => !('noTests' in result));
  if (measured && !('noTests' in measured))
    console.log(
      [
        `\n[bench] ${describeShape(measured.holdSeconds, options)}, ${options.suiteWorkers} Playwright worker(s); busy and idle in worker-seconds`,
        line(header),
        ...rows.map(line),
      ].join('\n'),
    );
  for (const result of results) {
    if ('noTests' in result) {
      console.log(`[bench] ${result.noTests}`);
      continue;
    }
    const { idle, activityLog } = result;
    const disagree = activityLog.editJobs !== result.editJobs || activityLog.steps !== result.steps;
    const { spentEdits, spentSteps } = result.tests;
    const { setupJobs } = result;
    const suiteAgrees = spentEdits + setupJobs.editJobs === result.editJobs && spentSteps + setupJobs.steps === result.steps;
    console.log(
      [
        `[bench] ${result.tier.name}: the suite counted ${spentEdits + setupJobs.editJobs} edits and ${spentSteps + setupJobs.steps} steps (${setupJobs.editJobs} and ${setupJobs.steps} of them at setup), ${suiteAgrees ? 'as' : 'but'} the miner's GET /jobs lists ${result.editJobs} and ${result.steps}`,
        `[bench] ${result.tier.name}: busy ${seconds(result.busyMs)}, of it ${seconds(result.busyMs - result.editingMs)} the callbacks each miner worker sent before its next job; idle ${seconds(idle.beforeFirstJobMs)} before each worker's first job, ${seconds(idle.betweenJobsMs)} between jobs (largest ${seconds(idle.largestGapMs)}); no worker occupied for ${seconds(idle.wholeMinerIdle.beforeTestsMs)} of wall after setup's jobs until the tests' first (setup waiting out its first callback's hold, then Playwright starting its workers) and ${seconds(idle.wholeMinerIdle.duringTestsMs)} between the tests' jobs, ${seconds(idle.afterLastJobMs)} after each worker's last${result.unfinishedAtExit ? ` (${result.unfinishedAtExit} jobs still queued or running at the exit, busy only until it)` : ''}; ${result.overheadPerJobMs} ms overhead and ${result.minerRequestsPerJob} HTTP calls per edit job`,
        `[bench] ${result.tier.name}: ${describeWall(result)}`,
        ...(disagree
          ? [
              `[bench] ${result.tier.name}: the activity log counts ${activityLog.editJobs} edits and ${activityLog.steps} steps (reused job ids replace records in /jobs)`,
            ]
          : []),
        `[bench] ${result.tier.name}: written to ${result.file}`,
      ].join('\n'),
    );
  }
}

/** What the wall holds besides the tests: Playwright's start before the first test, its end after the last. */
function describeWall({ wallMs, timeline }: Measures): string {
  const { tests } = timeline;
  const span =
    tests.length === 0
      ? 'no test ran'
      : `its first test began at ${seconds(Math.min(...tests.map((test) => test.startedMs)))} (node and Playwright starting, global setup with its callback-path job, the workers starting) and its last test ended ${seconds(wallMs - Math.max(...tests.map((test) => test.endedMs)))} before its exit`;
  return `wall is the suite's process from its start to its exit, ${seconds(wallMs)}: ${span}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
