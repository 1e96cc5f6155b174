import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from '@playwright/test';
import { resolveCallbackAddress, type CallbackAddress } from './setup/callback-address.ts';
import { MinerUnreachableError, probeHealth } from './setup/health-probe.ts';
import { OperatorError, toOperatorError } from './setup/operator-error.ts';
import { REFERENCE_MINER_FLAG } from './setup/reference-miner-target.ts';
import { readSettings } from './setup/settings.ts';
import { describeProtocol, readEditRequestFields } from './setup/protocol-revision.ts';
import { publishSuiteContext } from './setup/suite-context.ts';

/**
 * Runs once: checks the miner is up with editing enabled, decides where it can reach the callback
 * receiver, and hands both to the workers. Any failure stops the whole run with one sentence.
 */
export default async function globalSetup(): Promise<() => void> {
  const runStateDir = mkdtempSync(path.join(tmpdir(), 'kontext-e2e-run-'));
  const teardown = () => rmSync(runStateDir, { recursive: true, force: true });
  try {
    await prepareRun(runStateDir);
    return teardown;
  } catch (error) {
    teardown();
    throw toOperatorError(error);
  }
}

async function prepareRun(runStateDir: string): Promise<void> {
  const settings = readSettings();
  const minerUrl = settings.ASYNC_MINER_URL!;
  const api = await request.newContext();
  try {
    let skipReason: string | undefined;
    let editRequestFields: string[] = [];
    let outputKeepsPreparedSize = false;
    try {
      const health = await probeHealth(api, minerUrl, settings.ASYNC_HEALTH_TIMEOUT_SECONDS * 1000);
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
    const callback = await resolveCallbackAddress(settings, minerUrl);
    logTarget(minerUrl, process.env[REFERENCE_MINER_FLAG] === '1', callback);
    if (!skipReason) console.log(`[kontext-e2e] ${describeProtocol(editRequestFields)}`);
    publishSuiteContext({
      minerUrl,
      runStateDir,
      skipReason,
      editRequestFields,
      outputKeepsPreparedSize,
      callback,
    });
  } finally {
    await api.dispose();
  }
}

function logTarget(minerUrl: string, referenceMiner: boolean, callback: CallbackAddress): void {
  console.log(
    referenceMiner
      ? `[kontext-e2e] No ASYNC_MINER_URL: testing the bundled reference miner at ${minerUrl}; set ASYNC_MINER_URL=http://localhost:8091 to test your own miner.`
      : `[kontext-e2e] Testing the miner at ${minerUrl}.`,
  );
  console.log(
    `[kontext-e2e] Callbacks reach ${callback.protocol}//${callback.publicHost}, receiver bound to ${callback.bindHost} (rule ${callback.rule}: ${callback.explanation}).`,
  );
}
