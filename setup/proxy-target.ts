import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { APIRequestContext } from '@playwright/test';
import getPort from 'get-port';
import { z } from 'zod';
import { signerFromUri } from '../lib/epistula.ts';
import { formatSeconds, waitUntil } from '../lib/wait-until.ts';
import type { ProxyConfigFileInput } from '../protocol/epistula.ts';
import { OperatorError } from './operator-error.ts';
import type { FullConfig } from '@playwright/test';
import { resolveCallbackAddress } from './callback-address.ts';
import { describeCallbackAddress, type ProbedMiner } from './miner-probe.ts';
import type { Settings } from './settings.ts';

/** The Playwright project of checks made through the operator's reverse proxy (README, "Test through your proxy"). */
export const PROXY_PROJECT = 'proxy';

/** Substrate's public dev keys play the parts in front of the bundled miner: //Alice the validator, //Bob the miner. */
export const DEV_SIGNER_URI = '//Alice';
export const DEV_MINER_URI = '//Bob';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
const PROXY_START_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 5_000;

/** What global setup learned of the proxy, handed to workers in the run context; the operator's signer secret is never in it. */
export const ProxyContextSchema = z.object({
  proxyUrl: z.string(),
  minerHotkey: z.string(),
  /** Set only for the bundled proxy, whose sender is a public dev key; otherwise workers read ASYNC_SIGNER_URI. */
  devSignerUri: z.string().optional(),
  /** The miner behind the proxy, reachable directly for status; absent when the verdict comes from callbacks alone. */
  directMinerUrl: z.string().optional(),
  /** How long the proxy waits for the miner's answer to POST /edit before its 202. */
  waitSeconds: z.number().positive(),
  bundled: z.boolean(),
});
export type ProxyContext = z.infer<typeof ProxyContextSchema>;

/** The key the proxy project's `suite` context is filed under: the miner when the suite reaches it, else the proxy itself. */
export function proxyProjectMinerUrl(settings: Settings, minerTargets: string[]): string | undefined {
  return minerTargets[0] ?? settings.ASYNC_PROXY_URL;
}

/** One line for a run that did not select the proxy project, saying how to ask for it. */
export const PROXY_NOT_ASKED =
  `Proxy checks not asked for: run "npx playwright test --project ${PROXY_PROJECT}" to test the validator's path through the bundled reference proxy, ` +
  'or set ASYNC_PROXY_URL, ASYNC_SIGNER_URI and ASYNC_MINER_HOTKEY to test your own.';

export type PreparedProxy = { context: ProxyContext; stop: () => Promise<void> };

/**
 * The operator's proxy (ASYNC_PROXY_URL), checked to answer and the signer secret to read; or, without it, the
 * reference proxy started in front of `minerUrl` with the dev keys. Any failure is one sentence.
 */
export async function prepareProxy(
  api: APIRequestContext,
  settings: Settings,
  { minerUrl, minerReachable, runStateDir }: { minerUrl: string | undefined; minerReachable: boolean; runStateDir: string },
): Promise<PreparedProxy> {
  const waitSeconds = settings.ASYNC_PROXY_WAIT_SECONDS;
  if (settings.ASYNC_PROXY_URL) {
    await signerFromUri(settings.ASYNC_SIGNER_URI!).catch((error: Error) => {
      throw new OperatorError(error.message); // its sentence names the kind of secret, never the secret
    });
    await probeProxy(
      api,
      settings.ASYNC_PROXY_URL,
      PROBE_TIMEOUT_MS,
      () => 'check that the proxy runs and that ASYNC_PROXY_URL is its public address, such as https://<host>:443',
    );
    const context: ProxyContext = {
      proxyUrl: settings.ASYNC_PROXY_URL,
      minerHotkey: settings.ASYNC_MINER_HOTKEY!,
      directMinerUrl: minerReachable ? minerUrl : undefined,
      waitSeconds,
      bundled: false,
    };
    return { context, stop: async () => {} };
  }
  if (!minerUrl) throw new OperatorError('The bundled reference proxy needs a miner to front: set ASYNC_MINER_URL.');
  const minerHotkey = (await signerFromUri(DEV_MINER_URI)).address;
  const port = await getPort({ host: '127.0.0.1' });
  const configPath = path.join(runStateDir, 'reference-proxy.json');
  const config: ProxyConfigFileInput = {
    server: { host: '127.0.0.1', port },
    auth: { miner_hotkey: minerHotkey, allowed_senders: [(await signerFromUri(DEV_SIGNER_URI)).address] },
    services: { inference_server_url: minerUrl },
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const proxyUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'reference-proxy/main.ts'], {
    cwd: PROJECT_ROOT,
    // PROXY_FAULTS passes through: the fault matrix switches the bundled proxy's faults with it.
    env: { ...process.env, REVERSE_PROXY_CONFIG_PATH: configPath, PROXY_TIMEOUT_SECONDS: String(waitSeconds) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const stop = () => stopChild(child);
  try {
    await probeProxy(
      api,
      proxyUrl,
      PROXY_START_TIMEOUT_MS,
      () => `read the bundled reference proxy's output: ${stderr.trim() || '(none)'}`,
      () => {
        if (child.exitCode !== null)
          throw new OperatorError(`The bundled reference proxy exited with code ${child.exitCode}: ${stderr.trim() || '(no output)'}`);
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    context: { proxyUrl, minerHotkey, devSignerUri: DEV_SIGNER_URI, directMinerUrl: minerUrl, waitSeconds, bundled: true },
    stop,
  };
}

/**
 * Polls the proxy's GET / until it answers at all, within `timeoutMs`; `alive` throws when a started proxy died. What it
 * answers, and its certificate, are for @proxy-health and @proxy-https to judge, each in its own test.
 */
async function probeProxy(
  api: APIRequestContext,
  proxyUrl: string,
  timeoutMs: number,
  advice: () => string,
  alive = () => {},
): Promise<void> {
  let last = 'no answer yet';
  try {
    await waitUntil(
      async () => {
        alive();
        try {
          await api.get(`${proxyUrl}/`, { timeout: PROBE_TIMEOUT_MS, failOnStatusCode: false, ignoreHTTPSErrors: true });
          return true;
        } catch (error) {
          last = (error as Error).message.split('\n')[0]!;
          return undefined;
        }
      },
      { timeoutMs, describe: () => last, pauses: [50, 100, 200, 500] },
    );
  } catch (error) {
    if (error instanceof OperatorError) throw error;
    throw new OperatorError(
      `The proxy at ${proxyUrl} gave no answer to GET / within ${formatSeconds(timeoutMs)} (last: ${last}): ${advice()}.`,
    );
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hardStop = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(hardStop);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The proxy project, when this run selected it: the operator's proxy, or the bundled one started in front of the
 * miner. Without ASYNC_MINER_URL the proxy alone is tested, its callbacks addressed as seen from the proxy's host.
 */
export async function prepareProxyChecks(
  api: APIRequestContext,
  settings: Settings,
  config: FullConfig,
  probed: ProbedMiner[],
  runStateDir: string,
): Promise<PreparedProxy | undefined> {
  if (!config.filteredProjects.some((project) => project.name === PROXY_PROJECT)) {
    console.log(`[kontext-e2e] ${PROXY_NOT_ASKED}`);
    return undefined;
  }
  const miner = probed[0]?.context;
  const proxy = await prepareProxy(api, settings, { minerUrl: miner?.minerUrl, minerReachable: !!miner && !miner.skipReason, runStateDir });
  const { proxyUrl, directMinerUrl, bundled } = proxy.context;
  if (!miner) {
    const callback = await resolveCallbackAddress(settings, proxyUrl);
    const context = { minerUrl: proxyUrl, runStateDir, editRequestFields: [], outputKeepsPreparedSize: false, callback };
    probed.push({ context, protocol: 'unknown: the miner is reached only through the proxy', faults: undefined, proxyOnly: true });
    console.log(`[kontext-e2e] ${describeCallbackAddress(callback)}`);
  }
  console.log(
    `[kontext-e2e] Proxy checks: ${bundled ? `the bundled reference proxy at ${proxyUrl} (dev keys //Alice signs, //Bob is the miner)` : `the proxy at ${proxyUrl}`}` +
      `; ${directMinerUrl ? `job status read from the miner at ${directMinerUrl}` : 'no ASYNC_MINER_URL, so verdicts come from callbacks alone'}.`,
  );
  return proxy;
}
