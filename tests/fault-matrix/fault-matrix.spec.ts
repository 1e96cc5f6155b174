import { expect, test } from '@playwright/test';
import { FAULTS } from '../../reference-miner/faults.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';
import { runSuite } from '../suite-run/run-suite.ts';
import { caseName, FAULT_CASES, FAULTS_AWAITING_A_SPEC } from './fault-cases.ts';

// The suite earns trust by failing: each fault of the reference miner must make the test of its rule
// fail, for the stated reason, and the healthy miner must pass everything.

test('the healthy reference miner, started by the config itself, passes every spec; every rule has a fault that fails it', async () => {
  const run = await runSuite({});
  const failures = run.tests.filter((t) => t.outcome !== 'expected').map((t) => `${t.title}: ${t.outcome}\n${t.errors}`);
  expect(failures, run.output).toEqual([]);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain('No ASYNC_MINER_URL: testing the bundled reference miner');

  const attachments = (rule: string) => run.tests.find((t) => t.tags.includes(rule))?.attachments ?? [];
  expect(attachments('@same-request-same-bytes'), 'the report shows the input and both outputs').toEqual(
    expect.arrayContaining(['input.png', 'first run.png', 'second run.png']),
  );
  expect(
    attachments('@callback-completed').filter((name) => /^callback 1 e2e-.*\.json$/.test(name)),
    'the report shows the callback body',
  ).toHaveLength(1);

  const untagged = run.tests.filter((t) => t.tags.length !== 1).map((t) => `${t.title}: ${t.tags.join(' ') || 'no tag'}`);
  expect(untagged, 'every test names exactly one rule in its tag').toEqual([]);
  const rules = new Set(run.tests.flatMap((t) => t.tags));
  const caught = new Set<string>(FAULT_CASES.map((c) => c.rule));
  expect(
    [...rules].filter((rule) => !caught.has(rule)),
    'rules no fault makes fail',
  ).toEqual([]);
  expect(
    [...caught].filter((rule) => !rules.has(rule)),
    'rules of the matrix no test carries',
  ).toEqual([]);
});

test('every fault is in the matrix, or waits for the spec named beside it', () => {
  const known = new Set(Object.keys(FAULTS));
  const listed = [...FAULT_CASES.flatMap((c) => (c.fault ? [c.fault] : [])), ...Object.keys(FAULTS_AWAITING_A_SPEC)];
  expect(
    listed.filter((f) => !known.has(f)),
    'faults the reference miner does not have',
  ).toEqual([]);
  expect(
    [...known].filter((f) => !listed.includes(f)),
    'faults neither caught nor awaiting a spec',
  ).toEqual([]);
});

for (const faultCase of FAULT_CASES) {
  const { fault, rule, because, miner, env } = faultCase;
  test(`${caseName(faultCase)} fails ${rule}`, async () => {
    const run = await withReferenceMiner({ ...miner, faults: fault ? [fault] : [] }, (minerUrl) =>
      runSuite({ env: { ASYNC_MINER_URL: minerUrl, ...env }, args: ['--grep', `${rule}\\b`] }),
    );
    const target = run.tests.find((t) => t.tags.includes(rule));
    expect(target, `no test carries ${rule}:\n${run.output}`).toBeDefined();
    expect(target!.outcome, `${rule} should fail against ${caseName(faultCase)}`).toBe('unexpected');
    expect(target!.errors).toMatch(because);
  });
}

test('a diff picture is attached when pixels differ', async () => {
  const run = await withReferenceMiner({ faults: ['unstable-pixels'] }, (minerUrl) =>
    runSuite({ env: { ASYNC_MINER_URL: minerUrl }, args: ['--grep', '@same-request-same-bytes'] }),
  );
  expect(run.tests[0]?.attachments, 'a diff picture for differing pixels').toContain('diff first run vs second run.png');
});
