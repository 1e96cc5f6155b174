import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { JSONReport, JSONReportSuite } from '@playwright/test/reporter';
import { ActivityReportSchema, type JobActivity } from '../reference-miner/activity-log.ts';
import { startReferenceMiner } from '../reference-miner/server.ts';
import { MINER_REQUESTS } from '../lib/report-annotations.ts';

// `npm run bench`: the whole suite against the reference miner with a simulated GPU time per edit, and
// how much of the suite's wall time the miner was busy. Options: --miner-workers 1, --latency-ms 1000,
// --suite-workers (miner workers + 1), --grep-invert @slow (a quick pass), --out bench-results/bench-<workers>w.json.

const PLAYWRIGHT_CLI = fileURLToPath(new URL('../node_modules/@playwright/test/cli.js', import.meta.url));

const { values } = parseArgs({
  options: {
    'miner-workers': { type: 'string', default: '1' },
    'latency-ms': { type: 'string', default: '1000' },
    'suite-workers': { type: 'string' },
    'grep-invert': { type: 'string' },
    out: { type: 'string' },
  },
});
const minerWorkers = Number(values['miner-workers']);
const latencyMs = Number(values['latency-ms']);
const out = values.out ?? `bench-results/bench-${minerWorkers}w.json`;

const outputDir = mkdtempSync(path.join(tmpdir(), 'kontext-bench-'));
const miner = await startReferenceMiner({
  host: '127.0.0.1',
  port: 0,
  enableKontextEdit: true,
  outputDir,
  editLatencyMs: latencyMs,
  inferenceWorkers: minerWorkers,
});
const reportFile = path.join(outputDir, 'report.json');
try {
  const startedMs = Date.now();
  const exitCode = await runSuite(miner.url, reportFile);
  const endedMs = Date.now();
  const activity = ActivityReportSchema.parse(await (await fetch(`${miner.url}/reference/activity`)).json());
  const result = summarize(activity.jobs, activity.busy_ms, startedMs, endedMs, readTests(reportFile));
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ minerWorkers, latencyMs, exitCode, ...result }, null, 2)}\n`);
  print(result, out);
  process.exitCode = exitCode;
} finally {
  await miner.close();
  rmSync(outputDir, { recursive: true, force: true });
}

function runSuite(minerUrl: string, report: string): Promise<number> {
  // node and Playwright's CLI directly: npx's own start (about half a second) is not the suite's.
  // One Playwright worker more than the miner has, so a job is always queued while a test checks its last one.
  const suiteWorkers = values['suite-workers'] ?? String(minerWorkers + 1);
  const args = [PLAYWRIGHT_CLI, 'test', `--workers=${suiteWorkers}`, '--reporter=dot,json'];
  if (values['grep-invert']) args.push('--grep-invert', values['grep-invert']);
  const child = spawn(process.execPath, args, {
    stdio: 'inherit',
    env: { ...process.env, ASYNC_MINER_URL: minerUrl, PLAYWRIGHT_JSON_OUTPUT_FILE: report },
  });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

type Tests = { passed: number; failed: number; skipped: number; minerRequests: number };

function readTests(report: string): Tests {
  const tests: Tests = { passed: 0, failed: 0, skipped: 0, minerRequests: 0 };
  const visit = (suite: JSONReportSuite) => {
    for (const spec of suite.specs)
      for (const test of spec.tests) {
        if (test.status === 'skipped') tests.skipped++;
        else if (test.status === 'expected') tests.passed++;
        else tests.failed++;
        for (const annotation of test.annotations)
          if (annotation.type === MINER_REQUESTS) tests.minerRequests += Number(annotation.description);
      }
    for (const child of suite.suites ?? []) visit(child);
  };
  for (const suite of (JSON.parse(readFileSync(report, 'utf8')) as JSONReport).suites) visit(suite);
  return tests;
}

/** Busy time against wall time, and where the miner idled: before the first job, between jobs, after the last. */
function summarize(jobs: JobActivity[], busyMs: number, startedMs: number, endedMs: number, tests: Tests) {
  const wallMs = endedMs - startedMs;
  const ran = jobs.filter((job) => job.started_ms !== null && job.ended_ms !== null);
  const firstStart = Math.min(...ran.map((job) => job.started_ms!));
  const lastEnd = Math.max(...ran.map((job) => job.ended_ms!));
  const gapsByWorker = new Map<number, number[]>();
  for (let worker = 0; worker < minerWorkers; worker++) {
    const intervals = ran.filter((job) => job.worker === worker).sort((a, b) => a.started_ms! - b.started_ms!);
    const gaps: number[] = [];
    for (let i = 1; i < intervals.length; i++) gaps.push(Math.max(0, intervals[i]!.started_ms! - intervals[i - 1]!.ended_ms!));
    gapsByWorker.set(worker, gaps);
  }
  const gaps = [...gapsByWorker.values()].flat();
  const capacityMs = wallMs * minerWorkers;
  return {
    editJobs: jobs.length,
    tests,
    busyMs,
    wallMs,
    wallOverBusy: round((wallMs * minerWorkers) / busyMs),
    busyShare: round(busyMs / capacityMs),
    perWorkerBusyMs: [...gapsByWorker.keys()].map((worker) =>
      ran.filter((job) => job.worker === worker).reduce((sum, job) => sum + job.ended_ms! - job.started_ms!, 0),
    ),
    idle: {
      beforeFirstJobMs: firstStart - startedMs,
      betweenJobsMs: gaps.reduce((sum, gap) => sum + gap, 0),
      largestGapMs: Math.max(0, ...gaps),
      afterLastJobMs: endedMs - lastEnd,
    },
    overheadPerJobMs: round((capacityMs - busyMs) / Math.max(1, jobs.length)),
    minerRequestsPerJob: round(tests.minerRequests / Math.max(1, jobs.length)),
  };
}

function print(result: ReturnType<typeof summarize>, file: string): void {
  const { idle } = result;
  console.log(
    [
      `[bench] ${result.editJobs} edit jobs, ${result.tests.passed} tests passed, ${result.tests.failed} failed, ${result.tests.skipped} skipped`,
      `[bench] miner busy ${s(result.busyMs)} of ${s(result.wallMs)} wall at ${minerWorkers} worker(s), ${latencyMs} ms per edit: wall/busy ${result.wallOverBusy}, busy share ${Math.round(result.busyShare * 100)} %`,
      `[bench] idle: ${s(idle.beforeFirstJobMs)} before the first job, ${s(idle.betweenJobsMs)} between jobs (largest ${s(idle.largestGapMs)}), ${s(idle.afterLastJobMs)} after the last; ${result.overheadPerJobMs} ms overhead per job`,
      `[bench] ${result.tests.minerRequests} HTTP calls to the miner: ${result.minerRequestsPerJob} per edit job`,
      `[bench] written to ${file}`,
    ].join('\n'),
  );
}

function s(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
