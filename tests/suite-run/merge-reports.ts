import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inheritedEnv, PLAYWRIGHT_CLI, PROJECT_ROOT, readReport, type SuiteTestResult } from './run-suite.ts';

const MERGE_TIMEOUT_MS = 120_000;

/** Runs `npx playwright merge-reports --reporter json <blobDir>`, as the CI merge job does with html, and reads the merged tests. */
export async function mergeBlobReports(blobDir: string): Promise<{ exitCode: number; output: string; tests: SuiteTestResult[] }> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'merge-reports-'));
  const reportFile = path.join(workDir, 'merged.json');
  const env = { ...inheritedEnv(), FORCE_COLOR: '0', PLAYWRIGHT_JSON_OUTPUT_FILE: reportFile };
  const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'merge-reports', '--reporter', 'json', blobDir], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: MERGE_TIMEOUT_MS,
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
