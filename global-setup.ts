import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request, type APIRequestContext, type FullConfig } from '@playwright/test';
import { resolveCallbackAddress, type CallbackAddress } from './setup/callback-address.ts';
import { BASE_EDIT_LABELS, startBaseEdits } from './setup/base-edits.ts';
import { runFirstJob, submitTimed, type SubmittedJob } from './setup/callback-path-check.ts';
import { recordSetupEdit } from './setup/cost-reporter.ts';
import { checkCallbackPortFree } from './setup/callback-port-check.ts';
import { checkExternalReceiver } from './setup/external-receiver-check.ts';
import { describeAddress, MinerUnreachableError, probeHealth } from './setup/health-probe.ts';
import { OperatorError, toOperatorError } from './setup/operator-error.ts';
import { REFERENCE_MINER_FLAG, referenceMinerOutputDir } from './setup/reference-miner-target.ts';
import { minerTargets, readSettings, SECRET_SETTINGS, type Settings } from './setup/settings.ts';
import { PROXY_NOT_ASKED, PROXY_PROJECT, prepareProxy, publishProxyContext, type PreparedProxy } from './setup/proxy-target.ts';
import { prepareSampleInput, readSampleInput } from './setup/sample-input.ts';
import { describeProtocol, protocolRevision, readEditRequestFields } from './setup/protocol-revision.ts';
import { orchestratorBody, type OrchestratorJob, type OrchestratorJobName } from './setup/orchestrator-jobs.ts';
import { startSetupReceiver } from './setup/stored-callbacks.ts';
import type { CallbackServer } from './lib/callback-server.ts';
import { publishSuiteContexts, type SuiteContext } from './setup/suite-context.ts';
import { sampleImage } from './lib/images/sample-image.ts';

/**
 * Runs once: checks the miner is up with editing enabled, decides where it can reach the callback
 * receiver, and hands both to the workers. Any failure stops the whole run with one sentence.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const runStateDir = mkdtempSync(path.join(tmpdir(), 'kontext-e2e-run-'));
  const stops: (() => Promise<void>)[] = [];
  const teardown = async () => {
    await Promise.all(stops.map((stop) => stop()));
    rmSync(runStateDir, { recursive: true, force: true });
    removeBundledMinerOutput();
  };
  try {
    await prepareRun(runStateDir, config, stops);
    return teardown;
  } catch (error) {
    await teardown();
    throw toOperatorError(error);
  }
}

/** The bundled miner's PNGs (tens of MB a run) leave the temp folder with the run, unless ASYNC_KEEP_MINER_OUTPUT=true. */
function removeBundledMinerOutput(): void {
  const minerUrl = process.env.ASYNC_MINER_URL;
  if (process.env[REFERENCE_MINER_FLAG] !== '1' || !minerUrl) return;
  const folder = referenceMinerOutputDir(minerUrl);
  let keep = false;
  try {
    keep = readSettings().ASYNC_KEEP_MINER_OUTPUT;
  } catch {
    // settings that do not parse stopped the run before the miner wrote anything worth keeping
  }
  if (keep) console.log(`[kontext-e2e] The bundled miner's outputs are kept in ${folder} (ASYNC_KEEP_MINER_OUTPUT=true).`);
  else rmSync(folder, { recursive: true, force: true });
}

async function prepareRun(runStateDir: string, config: FullConfig, stops: (() => Promise<void>)[]): Promise<void> {
  const settings = readSettings();
  const targets = minerTargets(settings);
  // The suite's own fixed image (the audit rehearsal's input, and the sample unless the operator names one) is
  // painted while the miner answers the probes; an operator's sample is checked before any job.
  const fixedImage = sampleImage();
  fixedImage.catch(() => {}); // awaited below, where its failure is said
  await prepareSampleInput(settings.ASYNC_SAMPLE_IMAGE, runStateDir);
  const api = await request.newContext();
  try {
    const prepared: PreparedMiner[] = [];
    for (const minerUrl of targets) prepared.push(await prepareMiner(api, settings, minerUrl, runStateDir, targets.length > 1));
    const proxy = await prepareProxyChecks(api, settings, config, prepared, runStateDir);
    if (proxy) stops.push(proxy.stop);
    const callback = prepared[0]!.context.callback;
    if (callback.rule === 'external') await checkExternalReceiver(settings.ASYNC_CALLBACK_BASE_URL!);
    else if (callback.preferredPort) await checkCallbackPortFree(callback.bindHost, callback.preferredPort);
    // Each miner of a fleet has its own GPU: their first jobs run side by side.
    const image = await fixedImage;
    await Promise.all(
      prepared.map(async ({ context, proxyOnly }) => {
        // A miner reached only through the proxy takes no unsigned job: the proxy project's own checks prove that path.
        if (context.skipReason || proxyOnly) return;
        await startSetupJobs(api, settings, context, {
          fleet: prepared.length > 1,
          direct: testedDirectly(config, context.minerUrl),
          image,
          stops,
        });
      }),
    );
    describeRunInReport(config, prepared, settings, proxy);
    publishSuiteContexts(prepared.map(({ context }) => context));
  } finally {
    await api.dispose();
  }
}

/** A selected project edits on this miner itself (the proxy project reaches it only through the proxy). */
function testedDirectly(config: FullConfig, minerUrl: string): boolean {
  return config.filteredProjects.some(
    (project) => project.name !== PROXY_PROJECT && (project.use as { minerUrl?: string }).minerUrl === minerUrl,
  );
}

/**
 * Setup's jobs on one miner, each sent while the miner is otherwise idle or behind setup's own jobs only: the audit
 * broadcast rehearsal alone (the first edit, and the callback path's proof), then, once its edit is done and while
 * its callback is held, the two jobs of the window rule together, the base edits every worker adopts and the
 * broadcast's replay. The miner edits while setup waits for the first callback and while Playwright starts its workers.
 */
async function startSetupJobs(
  api: APIRequestContext,
  settings: Settings,
  context: SuiteContext,
  { fleet, direct, image, stops }: { fleet: boolean; direct: boolean; image: Buffer; stops: (() => Promise<void>)[] },
): Promise<void> {
  const log = (line: string) => console.log(`[kontext-e2e] ${fleet ? `${context.minerUrl}: ` : ''}${line}`);
  const external = context.callback.rule === 'external';
  const receiver = external ? undefined : await startSetupReceiver(context.callback, context.runStateDir);
  if (receiver) stops.push(() => receiver.close());
  const httpTimeoutMs = settings.ASYNC_HTTP_TIMEOUT_SECONDS * 1000;
  const callbackUrl = (jobId: string) =>
    receiver ? receiver.track(jobId) : `${settings.ASYNC_CALLBACK_BASE_URL!.replace(/\/+$/, '')}/callback`;
  const takesImageUrl = protocolRevision(context.editRequestFields).imageUrl;
  const input = {
    imageUrl: takesImageUrl && receiver ? (settings.ASYNC_AUDIT_IMAGE_URL ?? receiver.hostInput({ body: image })) : undefined,
    b64: image.toString('base64'),
  };
  // The broadcast's body as sent: its replay repeats it under a job of its own.
  let broadcastBody: Record<string, unknown> | undefined;
  const submit = async (name: OrchestratorJobName): Promise<OrchestratorJob> => {
    const replayOf = name === 'broadcast replay' ? broadcastBody : undefined;
    const body = orchestratorBody(name, input, callbackUrl, !!settings.ASYNC_TRUSTED_DIGESTS, replayOf);
    broadcastBody ??= body;
    const job: SubmittedJob = await submitTimed(api, context.minerUrl, body, httpTimeoutMs);
    const { image_b64: sentB64, ...kept } = job.body;
    return { name, ...job, body: kept, inputAsB64: sentB64 !== undefined };
  };
  const broadcast = await submit('audit broadcast');
  let later: OrchestratorJob[] = [];
  const probe = await runFirstJob(
    api,
    {
      minerUrl: context.minerUrl,
      callback: context.callback,
      receiver,
      jobTimeoutMs: settings.ASYNC_JOB_TIMEOUT_SECONDS * 1000,
      callbackTimeoutMs: settings.ASYNC_CALLBACK_TIMEOUT_SECONDS * 1000,
      holdMs: settings.ASYNC_VALIDATOR_MIN_SECONDS * 1000,
      httpTimeoutMs,
      log,
      afterEdit: async () => {
        if (!receiver || !direct) return;
        const pair = await Promise.all([submit('pair 1'), submit('pair 2')]);
        context.startedEdits = await startBaseEditsOf(api, settings, context, receiver, log);
        // The replay audit's job for the run's first edit, queued now so the miner edits it while setup waits.
        later = [...pair, await submit('broadcast replay')];
      },
    },
    broadcast,
  );
  recordSetupEdit(context.minerUrl, Number(broadcast.body.num_inference_steps));
  for (const job of later) if (!job.refusal) recordSetupEdit(context.minerUrl, Number(job.body.num_inference_steps));
  context.setupPace = probe.pace;
  context.orchestratorJobs = [broadcast, ...later];
}

/** The base edit and its repeat, started so the miner works while setup waits and Playwright starts its workers. */
async function startBaseEditsOf(
  api: APIRequestContext,
  settings: Settings,
  context: SuiteContext,
  receiver: CallbackServer,
  log: (line: string) => void,
) {
  const started = await startBaseEdits(api, {
    minerUrl: context.minerUrl,
    receiver,
    secret: settings.ASYNC_CALLBACK_SECRET,
    sampleB64: readSampleInput(context.runStateDir).toString('base64'),
    httpTimeoutMs: settings.ASYNC_HTTP_TIMEOUT_SECONDS * 1000,
  });
  for (const { name, request } of started) recordSetupEdit(context.minerUrl, request.num_inference_steps, name);
  if (started.length)
    log(
      `Started ${started.map(({ name }) => `"${BASE_EDIT_LABELS[name as keyof typeof BASE_EDIT_LABELS]}"`).join(' and ')} (${started.map(({ request }) => request.num_inference_steps).join(' + ')} steps), which every worker adopts.`,
    );
  return started;
}

type PreparedMiner = { context: SuiteContext; protocol: string; faults: unknown; proxyOnly?: boolean };

/** One miner: health, revision and where it reaches the callback receiver, each said once on the console. */
async function prepareMiner(
  api: APIRequestContext,
  settings: Settings,
  minerUrl: string,
  runStateDir: string,
  fleet: boolean,
): Promise<PreparedMiner> {
  // Where callbacks go (perhaps asking the docker CLI) is worked out while the miner answers the probes.
  const callbackAddress = resolveCallbackAddress(settings, minerUrl);
  callbackAddress.catch(() => {}); // a failed probe is said first; the address's own failure is awaited below
  let skipReason: string | undefined;
  let editRequestFields: string[] = [];
  let outputKeepsPreparedSize = false;
  let faults: unknown;
  try {
    const health = await probeHealth(api, minerUrl, settings.ASYNC_HEALTH_TIMEOUT_SECONDS * 1000);
    faults = health.config?.faults;
    if (health.services.kontext_edit === 'disabled')
      throw new OperatorError(
        `Kontext editing must be enabled: the miner at ${minerUrl} reports services.kontext_edit = "disabled"; set ENABLE_KONTEXT_EDIT=true in its environment or .env and restart it.`,
      );
    editRequestFields = await readEditRequestFields(api, minerUrl);
    outputKeepsPreparedSize = health.config?.engine === 'reference-cpu';
  } catch (error) {
    if (!(error instanceof MinerUnreachableError && settings.ASYNC_SKIP_IF_MINER_UNAVAILABLE)) throw error;
    skipReason = `Miner server unavailable at ${minerUrl} (ASYNC_SKIP_IF_MINER_UNAVAILABLE=true)`;
    console.log(`[kontext-e2e] ${skipReason}: every test is skipped.`);
  }
  const callback = await callbackAddress;
  logTarget(minerUrl, process.env[REFERENCE_MINER_FLAG] === '1', callback);
  const protocol = skipReason ?? describeProtocol(editRequestFields);
  if (!skipReason) console.log(`[kontext-e2e] ${fleet ? `${minerUrl}: ` : ''}${protocol}`);
  return { context: { minerUrl, runStateDir, skipReason, editRequestFields, outputKeepsPreparedSize, callback }, protocol, faults };
}

function logTarget(minerUrl: string, referenceMiner: boolean, callback: CallbackAddress): void {
  console.log(
    referenceMiner
      ? `[kontext-e2e] No ASYNC_MINER_URL: testing the bundled reference miner at ${minerUrl}; set ASYNC_MINER_URL=http://localhost:8091 to test your own miner.`
      : `[kontext-e2e] Testing the miner at ${minerUrl}${new URL(minerUrl).port ? '' : `, that is ${describeAddress(minerUrl)}`}.`,
  );
  console.log(`[kontext-e2e] ${describeCallbackAddress(callback)}`);
}

function describeCallbackAddress(callback: CallbackAddress): string {
  const origin = `${callback.protocol}//${callback.publicHost}`;
  const rule = `(rule ${callback.rule}: ${callback.explanation})`;
  if (callback.rule === 'external')
    return `Callbacks go to ${origin}${callback.preferredPort ? `:${callback.preferredPort}` : ''} ${rule}.`;
  const port = callback.preferredPort
    ? `:${callback.preferredPort} (the first worker; others on free ports)`
    : ' on a free port per worker';
  return `Callbacks reach ${origin}${port}, receiver bound to ${callback.bindHost} ${rule}.`;
}

/**
 * The proxy project, when this run selected it: the operator's proxy, or the bundled one started in front of the
 * miner. Without ASYNC_MINER_URL the proxy alone is tested, its callbacks addressed as seen from the proxy's host.
 */
async function prepareProxyChecks(
  api: APIRequestContext,
  settings: Settings,
  config: FullConfig,
  prepared: PreparedMiner[],
  runStateDir: string,
): Promise<PreparedProxy | undefined> {
  if (!config.filteredProjects.some((project) => project.name === PROXY_PROJECT)) {
    console.log(`[kontext-e2e] ${PROXY_NOT_ASKED}`);
    return undefined;
  }
  const miner = prepared[0]?.context;
  const proxy = await prepareProxy(api, settings, {
    minerUrl: miner?.minerUrl,
    minerReachable: !!miner && !miner.skipReason,
    runStateDir,
  });
  const { proxyUrl, directMinerUrl, bundled } = proxy.context;
  if (!miner) {
    const callback = await resolveCallbackAddress(settings, proxyUrl);
    const context = { minerUrl: proxyUrl, runStateDir, editRequestFields: [], outputKeepsPreparedSize: false, callback };
    prepared.push({ context, protocol: 'unknown: the miner is reached only through the proxy', faults: undefined, proxyOnly: true });
    console.log(`[kontext-e2e] ${describeCallbackAddress(callback)}`);
  }
  console.log(
    `[kontext-e2e] Proxy checks: ${bundled ? `the bundled reference proxy at ${proxyUrl} (dev keys //Alice signs, //Bob is the miner)` : `the proxy at ${proxyUrl}`}` +
      `; ${directMinerUrl ? `job status read from the miner at ${directMinerUrl}` : 'no ASYNC_MINER_URL, so verdicts come from callbacks alone'}.`,
  );
  publishProxyContext(proxy.context);
  return proxy;
}

/**
 * The HTML and JSON reports show config.metadata; global setup gets the same FullConfig object the
 * reporters read at the end, so what is written here reaches the report header.
 */
function describeRunInReport(config: FullConfig, miners: PreparedMiner[], runSettings: Settings, proxy?: PreparedProxy): void {
  const settings = Object.entries(runSettings)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${SECRET_SETTINGS.has(name) ? '***' : String(value)}`)
    .join(' ');
  const suite = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
  const fleet = miners.length > 1;
  const faults = miners.flatMap(({ context, faults: names }) =>
    Array.isArray(names) && names.length ? [`${fleet ? `${context.minerUrl}: ` : ''}${names.join(', ')}`] : [],
  );
  Object.assign(config.metadata, {
    'Miner URL': miners.map(({ context }) => context.minerUrl).join(', '),
    Protocol: miners.map(({ context, protocol }) => `${fleet ? `${context.minerUrl}: ` : ''}${protocol}`).join(' | '),
    Settings: settings,
    ...(faults.length ? { 'Reference miner faults': faults.join(' | ') } : {}),
    ...(proxy ? { 'Proxy URL': `${proxy.context.proxyUrl}${proxy.context.bundled ? ' (bundled reference proxy)' : ''}` } : {}),
    ...(proxy?.context.bundled && process.env.PROXY_FAULTS ? { 'Reference proxy faults': process.env.PROXY_FAULTS } : {}),
    'Suite version': suite.version,
  });
}
