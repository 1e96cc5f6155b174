import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { z } from 'zod';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PLAYWRIGHT_CLI = path.join(PROJECT_ROOT, 'node_modules/@playwright/test/cli.js');

// Deadlines for a reference miner that edits in ~100 ms: faults that never call back fail in seconds.
const FAST_DEADLINES = {
  ASYNC_JOB_TIMEOUT_SECONDS: '30',
  ASYNC_CALLBACK_TIMEOUT_SECONDS: '3',
  ASYNC_HEALTH_TIMEOUT_SECONDS: '10',
};

const JsonReportSuite: z.ZodType<JsonReportSuite> = z.lazy(() =>
  z.object({
    title: z.string(),
    file: z.string().optional(),
    specs: z
      .array(
        z.object({
          title: z.string(),
          file: z.string(),
          tests: z.array(
            z.object({
              status: z.string(),
              results: z.array(
                z.object({
                  status: z.string(),
                  errors: z.array(z.object({ message: z.string().optional() })),
                  attachments: z.array(z.object({ name: z.string(), contentType: z.string() })).default([]),
                }),
              ),
            }),
          ),
        }),
      )
      .default([]),
    suites: z.array(JsonReportSuite).default([]),
  }),
);
type JsonReportSuite = {
  title: string;
  file?: string;
  specs: {
    title: string;
    file: string;
    tests: {
      status: string;
      results: { status: string; errors: { message?: string }[]; attachments: { name: string; contentType: string }[] }[];
    }[];
  }[];
  suites: JsonReportSuite[];
};

/** One test of a suite run: its outcome as Playwright judged it, and its error text without colours. */
export type SuiteTestResult = { file: string; title: string; outcome: string; errors: string; attachments: string[] };

export type SuiteRun = { exitCode: number; output: string; tests: SuiteTestResult[] };

/**
 * Runs `npx playwright test` of this project in a child process, as an operator would, and reads its JSON report.
 * Another `reporter` (blob, html) writes where `env` says and leaves `tests` empty.
 */
export async function runSuite(options: { env?: Record<string, string>; args?: string[]; reporter?: string }): Promise<SuiteRun> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'suite-run-'));
  const reportFile = path.join(workDir, 'report.json');
  const env: NodeJS.ProcessEnv = {
    ...inheritedEnv(),
    ...FAST_DEADLINES,
    FORCE_COLOR: '0',
    PLAYWRIGHT_JSON_OUTPUT_FILE: reportFile,
    ...options.env,
  };
  const args = [
    PLAYWRIGHT_CLI,
    'test',
    `--reporter=${options.reporter ?? 'json'}`,
    `--output=${path.join(workDir, 'results')}`,
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  try {
    return { exitCode, output, tests: readReport(reportFile) };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The parent is a Playwright worker itself: its test and suite variables must not leak into the child run. */
export function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!/^(TEST_|PW_|PLAYWRIGHT_|KONTEXT_|ASYNC_|MINER_|ENABLE_KONTEXT|CI$)/.test(name)) env[name] = value;
  return env;
}

/** The tests of a JSON report file, or none when the file is missing. */
export function readReport(reportFile: string): SuiteTestResult[] {
  let raw: string;
  try {
    raw = readFileSync(reportFile, 'utf8');
  } catch {
    return []; // the run stopped before any test: the caller reads `output`
  }
  const report = z.object({ suites: z.array(JsonReportSuite) }).parse(JSON.parse(raw));
  const results: SuiteTestResult[] = [];
  const visit = (suite: JsonReportSuite, titles: string[]) => {
    for (const spec of suite.specs)
      for (const t of spec.tests)
        results.push({
          file: spec.file,
          title: [...titles, spec.title].join(' › '),
          outcome: t.status,
          errors: t.results.flatMap((r) => r.errors.map((e) => stripVTControlCharacters(e.message ?? ''))).join('\n'),
          attachments: t.results.flatMap((r) => r.attachments.map((a) => a.name)),
        });
    for (const child of suite.suites) visit(child, [...titles, child.title]);
  };
  for (const suite of report.suites) visit(suite, []);
  return results;
}
