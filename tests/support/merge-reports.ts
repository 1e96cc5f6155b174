import { runPlaywright, type SuiteRun } from './run-suite.ts';

/** Runs `npx playwright merge-reports --reporter json <blobDir>`, as the CI merge job does with html, and reads the merged tests. */
export function mergeBlobReports(blobDir: string): Promise<SuiteRun> {
  return runPlaywright(() => ['merge-reports', '--reporter', 'json', blobDir]);
}
