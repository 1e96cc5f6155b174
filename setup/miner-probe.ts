import type { APIRequestContext } from '@playwright/test';
import { resolveCallbackAddress, type CallbackAddress } from './callback-address.ts';
import { describeAddress, MinerUnreachableError, probeHealth } from './health-probe.ts';
import { OperatorError } from './operator-error.ts';
import { describeProtocol, readEditRequestFields } from './protocol-revision.ts';
import type { MinerContext } from './run-context.ts';
import type { Settings } from './settings.ts';

/** One miner as global setup found it: its context for the workers, and what the report header says of it. */
export type ProbedMiner = { context: MinerContext; protocol: string; faults: unknown; proxyOnly?: boolean };

/** One miner: health, revision and where it reaches the callback receiver, each said once on the console. */
export async function probeMiner(
  api: APIRequestContext,
  settings: Settings,
  { minerUrl, runStateDir, fleet, bundled }: { minerUrl: string; runStateDir: string; fleet: boolean; bundled: boolean },
): Promise<ProbedMiner> {
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
  console.log(
    bundled
      ? `[kontext-e2e] No ASYNC_MINER_URL: testing the bundled reference miner at ${minerUrl}; set ASYNC_MINER_URL=http://localhost:8091 to test your own miner.`
      : `[kontext-e2e] Testing the miner at ${minerUrl}${new URL(minerUrl).port ? '' : `, that is ${describeAddress(minerUrl)}`}.`,
  );
  console.log(`[kontext-e2e] ${describeCallbackAddress(callback)}`);
  const protocol = skipReason ?? describeProtocol(editRequestFields);
  if (!skipReason) console.log(`[kontext-e2e] ${fleet ? `${minerUrl}: ` : ''}${protocol}`);
  return { context: { minerUrl, runStateDir, skipReason, editRequestFields, outputKeepsPreparedSize, callback }, protocol, faults };
}

export function describeCallbackAddress(callback: CallbackAddress): string {
  const origin = `${callback.protocol}//${callback.publicHost}`;
  const rule = `(rule ${callback.rule}: ${callback.explanation})`;
  if (callback.rule === 'external')
    return `Callbacks go to ${origin}${callback.preferredPort ? `:${callback.preferredPort}` : ''} ${rule}.`;
  const port = callback.preferredPort
    ? `:${callback.preferredPort} (the first worker; others on free ports)`
    : ' on a free port per worker';
  return `Callbacks reach ${origin}${port}, receiver bound to ${callback.bindHost} ${rule}.`;
}
