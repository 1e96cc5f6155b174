import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import type { JSONReport, JSONReportSuite } from '@playwright/test/reporter';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PLAYWRIGHT_CLI = path.join(PROJECT_ROOT, 'node_modules/@playwright/test/cli.js');

// Deadlines for a reference miner that edits in ~100 ms: faults that never call back fail in seconds. The test
// miners hold no callback (tests/support/with-reference-miner.ts), nor does the bundled one a run starts itself
// (MINER_CALLBACK_HOLD_SECONDS reaches it), so the window opens at 0 s unless a run asks for the orchestrator's 8.
const FAST_DEADLINES = {
  ASYNC_JOB_TIMEOUT_SECONDS: '30',
  ASYNC_CALLBACK_TIMEOUT_SECONDS: '3',
  ASYNC_HEALTH_TIMEOUT_SECONDS: '10',
  ASYNC_VALIDATOR_MIN_SECONDS: '0',
  MINER_CALLBACK_HOLD_SECONDS: '0',
};

// A whole suite run on a busy two-core machine took 1.7 min beside other runs: room for twice that.
const CHILD_RUN_TIMEOUT_MS = 300_000;

/** One test of a suite run: its outcome as Playwright judged it, and its error text without colours. */
export type SuiteTestResult = {
  file: string;
  title: string;
  tags: string[];
  outcome: string;
  errors: string;
  attachments: string[];
  annotations: { type: string; description?: string }[];
  /** The Playwright project: one per miner in a fleet. */
  project: string;
};

/** `metadata` is the JSON report's config.metadata: what the HTML report shows in its header. */
export type SuiteRun = { exitCode: number; output: string; tests: SuiteTestResult[]; metadata: Record<string, unknown> };

/**
 * Runs `npx playwright test` of this project in a child process, as an operator would, and reads its JSON report.
 * Another `reporter` (blob, html) writes where `env` says and leaves `tests` empty; `timeoutMs` (default 3 min)
 * is how long the child may run before it is killed.
 */
export function runSuite(options: {
  env?: Record<string, string>;
  args?: string[];
  reporter?: string;
  timeoutMs?: number;
}): Promise<SuiteRun> {
  return runPlaywright(
    (workDir) => ['test', `--reporter=${options.reporter ?? 'json'}`, `--output=${path.join(workDir, 'results')}`, ...(options.args ?? [])],
    { ...FAST_DEADLINES, ...options.env },
    options.timeoutMs,
  );
}

/**
 * Runs Playwright's CLI of this project (`test`, `merge-reports`) in a child process, with a JSON report
 * written to a folder of its own that `args` may also use, and reads that report.
 */
export async function runPlaywright(
  args: (workDir: string) => string[],
  extraEnv: Record<string, string> = {},
  timeoutMs = CHILD_RUN_TIMEOUT_MS,
): Promise<SuiteRun> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'suite-run-'));
  const reportFile = path.join(workDir, 'report.json');
  const env: NodeJS.ProcessEnv = { ...inheritedEnv(), FORCE_COLOR: '0', PLAYWRIGHT_JSON_OUTPUT_FILE: reportFile, ...extraEnv };
  // The child's own deadline: a run that hangs is killed rather than outliving the test that started it.
  const child = spawn(process.execPath, [PLAYWRIGHT_CLI, ...args(workDir)], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  try {
    return { exitCode, output, ...readReport(reportFile) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The parent is a Playwright worker itself: its test and suite variables must not leak into the child run. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(TEST_|PW_|PLAYWRIGHT_|KONTEXT_|ASYNC_|MINER_|PROXY_|REVERSE_PROXY_|ENABLE_KONTEXT|CI$)/.test(name)) env[name] = value;
  return env;
}

/** The tests and metadata of a JSON report file, or none when the file is missing. */
function readReport(reportFile: string): Pick<SuiteRun, 'tests' | 'metadata'> {
  let raw: string;
  try {
    raw = readFileSync(reportFile, 'utf8');
  } catch {
    return { tests: [], metadata: {} }; // the run stopped before any test: the caller reads `output`
  }
  const report = JSON.parse(raw) as JSONReport;
  const results: SuiteTestResult[] = [];
  const visit = (suite: JSONReportSuite, titles: string[]) => {
    for (const spec of suite.specs)
      for (const t of spec.tests)
        results.push({
          file: spec.file,
          title: [...titles, spec.title].join(' › '),
          tags: spec.tags.map((tag) => (tag.startsWith('@') ? tag : `@${tag}`)), // the JSON report drops the @
          outcome: t.status,
          errors: t.results.flatMap((r) => r.errors.map((e) => stripVTControlCharacters(e.message ?? ''))).join('\n'),
          attachments: t.results.flatMap((r) => r.attachments.map((a) => a.name)),
          annotations: [...t.annotations, ...t.results.flatMap((r) => r.annotations)],
          project: t.projectName,
        });
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title]);
  };
  for (const suite of report.suites) visit(suite, []);
  return { tests: results, metadata: report.config.metadata };
}
