import { expect, test } from '@playwright/test';
import { FAULTS } from '../../reference-miner/faults.ts';
import { PROXY_FAULTS } from '../../reference-proxy/faults.ts';
import { startPrefixProxy } from '../support/prefix-proxy.ts';
import { withReferenceMiner } from '../support/with-reference-miner.ts';
import { parseCost, PLANNED_EDITS, SPENT_EDITS, unplanned } from '../../lib/report-annotations.ts';
import { runSuite, type SuiteTestResult } from '../support/run-suite.ts';
import { ADVISORY_CASES, caseName, FAULT_CASES, PROXY_CASES } from './fault-cases.ts';

// The suite earns trust by failing: each fault of the reference miner must make the test of its rule
// fail, for the stated reason, and the healthy miner must pass everything.

test('the healthy reference miner, started by the config itself, passes every spec; every rule has a fault that fails it', async () => {
  test.slow(); // the whole suite, trusted digests included, in a child run
  // The cost reporter beside the JSON one: its plan and bill are on the console.
  // The bundled miner as started by the config holds each callback 8 s: judged on the orchestrator's own window.
  const run = await runSuite({
    env: { ASYNC_TRUSTED_DIGESTS: 'reference-miner', ASYNC_VALIDATOR_MIN_SECONDS: '8', MINER_CALLBACK_HOLD_SECONDS: '8' },
    reporter: 'json,./reporters/cost-reporter.ts,./reporters/pay-reporter.ts',
  });
  const failures = run.tests.filter((t) => t.outcome !== 'expected').map((t) => `${t.title}: ${t.outcome}\n${t.errors}`);
  expect(failures, run.output).toEqual([]);
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain('No ASYNC_MINER_URL: testing the bundled reference miner');
  expect(run.output, 'the pay line').toMatch(
    /What validators would pay for this run's orchestrator-shaped jobs: ((audit broadcast|pair \d) 0\.\d{3} \(\d+\.\d\d s\)(, |; )){3}the score they leave 0\.\d{3} .*; no ban risk/,
  );

  const attachments = (rule: string) => run.tests.find((t) => t.tags.includes(rule))?.attachments ?? [];
  expect(attachments('@same-request-same-bytes'), 'the report shows the input and both outputs').toEqual(
    expect.arrayContaining(['input.png', 'base edit.png', 'the base request again.png']),
  );

  // The price said before the first job holds: every test declares its edits and spends none beyond them.
  const annotation = (t: SuiteTestResult, type: string) => t.annotations.find((a) => a.type === type)?.description;
  const unpriced = run.tests.filter((t) => annotation(t, PLANNED_EDITS) === undefined).map((t) => t.title);
  expect(unpriced, 'tests that declare no planned edits').toEqual([]);
  const overspent = run.tests.flatMap((t) => {
    const extra = unplanned(parseCost(annotation(t, PLANNED_EDITS)), parseCost(annotation(t, SPENT_EDITS)));
    return extra.length ? [`${t.title}: ${extra.join(', ')}`] : [];
  });
  expect(overspent, 'edits spent beyond what the test planned').toEqual([]);
  const steps = (pattern: RegExp) => Number(pattern.exec(run.output)?.[1] ?? NaN);
  expect(
    steps(/The run spent \d+ edits? and (\d+) denoising steps/),
    'the bill, at most the plan said before the first job',
  ).toBeLessThanOrEqual(steps(/plan at most \d+ edits? and (\d+) denoising steps/));
  expect(
    attachments('@callback-completed').filter((name) => /^callback 1 e2e-.*\.json$/.test(name)),
    'the report shows the callback body',
  ).toHaveLength(1);

  // @slow and @smoke mark cost tiers, not rules: the quick pass is --grep-invert @slow, the deploy check --grep @smoke.
  const ruleTags = (t: { tags: string[] }) => t.tags.filter((tag) => tag !== '@slow' && tag !== '@smoke');
  const untagged = run.tests.filter((t) => ruleTags(t).length !== 1).map((t) => `${t.title}: ${t.tags.join(' ') || 'no tag'}`);
  expect(untagged, 'every test names exactly one rule in its tag').toEqual([]);
  const rules = new Set(run.tests.flatMap(ruleTags));
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

test('every fault of the reference miner is in the matrix', () => {
  const known = new Set(Object.keys(FAULTS));
  const listed: string[] = [...FAULT_CASES, ...ADVISORY_CASES].flatMap((c) => (c.fault ? [c.fault] : []));
  expect(
    listed.filter((f) => !known.has(f)),
    'faults the reference miner does not have',
  ).toEqual([]);
  expect(
    [...known].filter((f) => !listed.includes(f)),
    'faults no case of the matrix catches',
  ).toEqual([]);
});

// A row runs one rule in tests/playwright.config.ts's minute; a whole conformance run against a miner that
// slows with every job, on two shared cores, gets eight.
const ROW_TIMEOUT_MS = 60_000;
const WHOLE_RUN_TIMEOUT_MS = 480_000;

const ADVISORY_RUN = { env: { ASYNC_ADVISORY: 'true' }, args: ['--project', 'advisory'] };

for (const faultCase of [...FAULT_CASES, ...ADVISORY_CASES]) {
  const { fault, rule, because, miner, env, wholeRun, stopsAtSetup } = faultCase;
  const advisory = ADVISORY_CASES.includes(faultCase);
  const timeoutMs = wholeRun ? WHOLE_RUN_TIMEOUT_MS : ROW_TIMEOUT_MS;
  // A whole run's child is killed half a minute before the row's deadline, so the row still reports its output.
  const childTimeoutMs = wholeRun ? WHOLE_RUN_TIMEOUT_MS - 30_000 : undefined;

  test(`${caseName(faultCase)} fails ${rule}`, async () => {
    test.setTimeout(timeoutMs);
    const run = await withReferenceMiner({ ...miner, faults: fault ? [fault] : [] }, (minerUrl) =>
      runSuite({
        env: { ASYNC_MINER_URL: minerUrl, ...env, ...(advisory ? ADVISORY_RUN.env : {}) },
        timeoutMs: childTimeoutMs,
        args: [...(advisory ? ADVISORY_RUN.args : []), ...(wholeRun ? [] : ['--grep', `${rule}\\b`])],
      }),
    );
    if (stopsAtSetup) expectStoppedAtSetup(run, caseName(faultCase), because);
    else expectCaught(run, faultCase.rule, caseName(faultCase), because);
  });
}

/** The run stopped in global setup with the sentence, before any test ran. */
function expectStoppedAtSetup(run: Awaited<ReturnType<typeof runSuite>>, name: string, because: RegExp): void {
  expect(run.exitCode, `the run against ${name} should stop at setup`).not.toBe(0);
  expect(run.output).toMatch(because);
  expect(
    run.tests.filter((t) => t.outcome !== 'skipped'),
    'tests run after setup stopped',
  ).toEqual([]);
}

// The validator's path: --project proxy starts the reference proxy, with PROXY_FAULTS, in front of the miner.
const PROXY_RUN = ['--project', 'proxy'];

/** Runs `body` against `minerUrl`, or against a forwarder that answers its POSTs `holdPostMs` late. */
async function withSlowAnswers<T>(minerUrl: string, holdPostMs: number | undefined, body: (url: string) => Promise<T>): Promise<T> {
  if (!holdPostMs) return body(minerUrl);
  const forwarder = await startPrefixProxy(minerUrl, '', { holdPostMs });
  try {
    return await body(forwarder.url);
  } finally {
    await forwarder.close();
  }
}

test('the healthy reference proxy, started by global setup for --project proxy, passes every proxy check', async () => {
  const run = await runSuite({ args: PROXY_RUN });
  const failures = run.tests
    .filter((t) => !['expected', 'skipped'].includes(t.outcome))
    .map((t) => `${t.title}: ${t.outcome}\n${t.errors}`);
  expect(failures, run.output).toEqual([]);
  // The bundled proxy is plain http on loopback: only the certificate check has nothing to judge there.
  const skipped = run.tests.filter((t) => t.outcome === 'skipped');
  expect(
    skipped.map((t) => t.tags.join(' ')),
    'checks skipped on the bundled proxy',
  ).toEqual(['@proxy-https']);
  expect(skipped[0]?.annotations.find((a) => a.type === 'skip')?.description).toMatch(
    /^The bundled reference proxy is plain http on loopback/,
  );
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toContain('Proxy checks: the bundled reference proxy');
  expect(run.metadata['Settings'], 'the report header').not.toMatch(/ASYNC_SIGNER_URI=(?!\*\*\*)/);
  const untagged = run.tests.filter((t) => t.tags.length !== 1 || !t.tags[0]!.startsWith('@proxy-')).map((t) => t.title);
  expect(untagged, 'every proxy check names exactly one @proxy- rule').toEqual([]);
});

test('a healthy proxy in front of a miner slower to answer than its wait passes the replay with a 202', async () => {
  const run = await withReferenceMiner({}, (minerUrl) =>
    withSlowAnswers(minerUrl, 2_500, (url) =>
      runSuite({ env: { ASYNC_MINER_URL: url, ASYNC_PROXY_WAIT_SECONDS: '1' }, args: [...PROXY_RUN, '--grep', '@proxy-validator-replay'] }),
    ),
  );
  expect(
    run.tests.map((t) => `${t.title}: ${t.outcome}\n${t.errors}`),
    run.output,
  ).toEqual([expect.stringMatching(/: expected\n$/)]);
});

test('every fault of the reference proxy is in the matrix', () => {
  const listed = PROXY_CASES.map((c) => c.proxyFault);
  expect(
    Object.keys(PROXY_FAULTS).filter((f) => !listed.includes(f as (typeof listed)[number])),
    'proxy faults no case of the matrix catches',
  ).toEqual([]);
});

for (const proxyCase of PROXY_CASES) {
  const { proxyFault, rule, because, minerAnswersAfterMs, env } = proxyCase;

  test(`the proxy fault ${proxyFault} fails ${rule}`, async () => {
    const run = await withReferenceMiner({}, (minerUrl) =>
      withSlowAnswers(minerUrl, minerAnswersAfterMs, (url) =>
        runSuite({ env: { ASYNC_MINER_URL: url, PROXY_FAULTS: proxyFault, ...env }, args: [...PROXY_RUN, '--grep', `${rule}\\b`] }),
      ),
    );
    expectCaught(run, rule, `the proxy fault ${proxyFault}`, because);
  });
}

test('the advisory project on the healthy miner finds only the upstream image_url quirk; every advisory rule has a fault', async () => {
  const run = await withReferenceMiner({}, (minerUrl) =>
    runSuite({ env: { ASYNC_MINER_URL: minerUrl, ...ADVISORY_RUN.env }, args: ADVISORY_RUN.args }),
  );
  const findings = run.tests.filter((t) => t.outcome !== 'expected').flatMap((t) => t.tags);
  expect(findings, run.output).toEqual(['@advisory-callback-image-url']);
  const rules = new Set(run.tests.flatMap((t) => t.tags));
  const caught = new Set<string>([...ADVISORY_CASES.map((c) => c.rule), '@advisory-callback-image-url']);
  expect(
    [...rules].filter((rule) => !caught.has(rule)),
    'advisory rules no fault makes fail',
  ).toEqual([]);
});

// Each revision skips the other's checks, each with its reason, and names its divergences from the seed
// protocol; with two workers the checks under load and of the queue meet real concurrency.
const HEALTHY_MINERS = [
  {
    name: 'of the seed revision',
    miner: { protocolRevision: 'seed' },
    skipped: ['@image-url-fetched', '@image-url-as-hosts-serve', '@duplicate-job-id'],
    divergences: [],
  },
  {
    name: 'of the later revision',
    miner: { protocolRevision: 'later' },
    skipped: ['@reference-chain', '@reference-fallback', '@reused-id'],
    divergences: ['accept-then-fail', 'unfinished-result-404'],
  },
  { name: 'with two workers', miner: { inferenceWorkers: 2 }, skipped: [], divergences: [] },
] as const;

for (const { name, miner, skipped, divergences } of HEALTHY_MINERS)
  test(`a healthy miner ${name} passes, with the checks it cannot serve skipped and its divergences named`, async () => {
    test.slow(); // the whole suite in a child run
    // Each holds its callbacks as a compliant miner does, judged on the orchestrator's own window.
    const run = await withReferenceMiner({ ...miner, callbackHoldSeconds: 8 }, (minerUrl) =>
      runSuite({
        env: { ASYNC_MINER_URL: minerUrl, ASYNC_TRUSTED_DIGESTS: 'reference-miner', ASYNC_VALIDATOR_MIN_SECONDS: '8' },
        reporter: 'list,./reporters/skips-and-divergences-reporter.ts,json',
      }),
    );
    const failures = run.tests.filter((t) => t.outcome === 'unexpected').map((t) => `${t.title}\n${t.errors}`);
    expect(failures, run.output).toEqual([]);
    expect(
      run.tests.filter((t) => t.outcome === 'skipped').flatMap((t) => t.tags),
      'the checks skipped',
    ).toEqual(expect.arrayContaining([...skipped]));
    const named = run.tests.flatMap((t) => t.annotations.filter((a) => a.type === 'divergence').map((a) => a.description?.split(':')[0]));
    expect([...new Set(named)].sort(), 'divergences from the seed protocol').toEqual([...divergences]);
    for (const divergence of divergences) expect(run.output, 'divergences on the console').toContain(divergence);
  });

test('a diff picture is attached when pixels differ', async () => {
  const run = await withReferenceMiner({ faults: ['unstable-pixels'] }, (minerUrl) =>
    runSuite({ env: { ASYNC_MINER_URL: minerUrl }, args: ['--grep', '@same-request-same-bytes'] }),
  );
  expect(run.tests[0]?.attachments, 'a diff picture for differing pixels').toContain('diff base edit vs the base request again.png');
});

/** The test of the case's rule ran and failed for the stated reason. */
function expectCaught(run: Awaited<ReturnType<typeof runSuite>>, rule: string, name: string, because: RegExp): void {
  const target = run.tests.find((t) => t.tags.includes(rule));
  expect(target, `no test carries ${rule}:\n${run.output}`).toBeDefined();
  expect(target!.outcome, `${rule} should fail against ${name}`).toBe('unexpected');
  expect(target!.errors).toMatch(because);
}
