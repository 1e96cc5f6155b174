import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request, type FullConfig } from '@playwright/test';
import { sampleImage } from './lib/images/sample-image.ts';
import { checkCallbackPortFree } from './setup/callback-port-check.ts';
import { checkExternalReceiver } from './setup/external-receiver-check.ts';
import { probeMiner, type ProbedMiner } from './setup/miner-probe.ts';
import { toOperatorError } from './setup/operator-error.ts';
import { prepareProxyChecks, PROXY_PROJECT } from './setup/proxy-target.ts';
import { referenceMinerOutputDir } from './setup/reference-miner-target.ts';
import { describeRunInReport } from './setup/report-header.ts';
import { publishRunContext, type RunContext } from './setup/run-context.ts';
import { prepareSampleInput } from './setup/run-folder.ts';
import { deadlinesOf, minerTargets, runSettings, type Settings } from './setup/settings.ts';
import { startSetupJobs } from './setup/setup-jobs.ts';

/**
 * Runs once, before any worker: checks each miner is up with editing enabled, decides where it can reach the
 * callback receiver, proves that path with the first job, starts the jobs every worker shares, and hands all of
 * it to the workers as one run context (setup/run-context.ts). Any failure stops the run with one sentence.
 */
export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const settings = runSettings();
  const runStateDir = mkdtempSync(path.join(tmpdir(), 'kontext-e2e-run-'));
  const stops: (() => Promise<void>)[] = [];
  const teardown = async () => {
    await Promise.all(stops.map((stop) => stop()));
    rmSync(runStateDir, { recursive: true, force: true });
    removeBundledMinerOutput(config, settings);
  };
  try {
    publishRunContext(await prepareRun(config, settings, runStateDir, stops));
    return teardown;
  } catch (error) {
    await teardown();
    throw toOperatorError(error);
  }
}

async function prepareRun(
  config: FullConfig,
  settings: Settings,
  runStateDir: string,
  stops: (() => Promise<void>)[],
): Promise<RunContext> {
  const targets = minerTargets(settings);
  const deadlines = deadlinesOf(settings);
  // The suite's own fixed image (the broadcast's input, and the sample unless the operator names one) is painted
  // while the miner answers the probes; an operator's sample is checked before any job.
  const fixedImage = sampleImage();
  fixedImage.catch(() => {}); // awaited below, where its failure is said
  await prepareSampleInput(settings.ASYNC_SAMPLE_IMAGE, runStateDir);
  const api = await request.newContext();
  try {
    const probed: ProbedMiner[] = [];
    for (const minerUrl of targets)
      probed.push(await probeMiner(api, settings, { minerUrl, runStateDir, fleet: targets.length > 1, bundled: !!config.webServer }));
    const proxy = await prepareProxyChecks(api, settings, config, probed, runStateDir);
    if (proxy) stops.push(proxy.stop);
    const callback = probed[0]!.context.callback;
    if (callback.rule === 'external') await checkExternalReceiver(settings.ASYNC_CALLBACK_BASE_URL!);
    else if (callback.preferredPort) await checkCallbackPortFree(callback.bindHost, callback.preferredPort);
    // Each miner of a fleet has its own GPU: their first jobs run side by side.
    const image = await fixedImage;
    const setupEdits: RunContext['setupEdits'] = {};
    await Promise.all(
      probed.map(async ({ context, proxyOnly }) => {
        // A miner reached only through the proxy takes no unsigned job: the proxy project's own checks prove that path.
        if (context.skipReason || proxyOnly) return;
        const direct = testedDirectly(config, context.minerUrl);
        const options = { settings, deadlines, fleet: probed.length > 1, direct, image, stops };
        setupEdits[context.minerUrl] = await startSetupJobs(api, context, options);
      }),
    );
    describeRunInReport(config, probed, settings, proxy);
    return { settings, deadlines, miners: probed.map(({ context }) => context), proxy: proxy?.context, setupEdits };
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

/** The bundled miner's PNGs (tens of MB a run) leave the temp folder with the run, unless ASYNC_KEEP_MINER_OUTPUT=true. */
function removeBundledMinerOutput(config: FullConfig, settings: Settings): void {
  const minerUrl = settings.ASYNC_MINER_URL;
  if (!config.webServer || !minerUrl) return;
  const folder = referenceMinerOutputDir(minerUrl);
  if (settings.ASYNC_KEEP_MINER_OUTPUT)
    console.log(`[kontext-e2e] The bundled miner's outputs are kept in ${folder} (ASYNC_KEEP_MINER_OUTPUT=true).`);
  else rmSync(folder, { recursive: true, force: true });
}
