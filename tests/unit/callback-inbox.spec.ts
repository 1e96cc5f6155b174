import { expect, test } from '@playwright/test';
import { CallbackServer } from '../../lib/callback-server.ts';
import { openCallbackInbox } from '../../fixtures/index.ts';
import type { MinerContext, RunContext } from '../../setup/run-context.ts';
import { deadlinesOf, readSettings } from '../../setup/settings.ts';
import { releasedPort } from '../support/free-port.ts';

const runOf = (env: NodeJS.ProcessEnv = {}): RunContext => {
  const settings = readSettings(env);
  return { settings, deadlines: deadlinesOf(settings), miners: [], setupEdits: {} };
};

const suite = (callback: Partial<MinerContext['callback']>): MinerContext => ({
  minerUrl: 'http://127.0.0.1:8091',
  runStateDir: '/nonexistent',
  outputKeepsPreparedSize: false,
  editRequestFields: [],
  callback: { publicHost: '127.0.0.1', protocol: 'http:', bindHost: '127.0.0.1', rule: 'loopback', explanation: '', ...callback },
});

test('behind a Docker gateway the receiver binds every interface and hands out the gateway address', async () => {
  const inbox = await openCallbackInbox(runOf(), suite({ publicHost: '172.18.0.1', bindHost: '0.0.0.0', rule: 'docker-detected' }), 0);
  try {
    const url = new URL(inbox.track('job-1'));
    expect(url.hostname).toBe('172.18.0.1');
    expect(url.pathname).toBe('/callback/job-1');
    const listing = await fetch(`http://127.0.0.1:${url.port}/callbacks`); // bound to 0.0.0.0, so loopback reaches it too
    expect(await listing.json()).toEqual({ callbacks: [] });
  } finally {
    await inbox.close();
  }
});

test('the first worker takes the port of ASYNC_CALLBACK_BASE_URL, the others take free ports', async () => {
  const port = await releasedPort();
  const preferred = await openCallbackInbox(runOf(), suite({ preferredPort: port }), 0);
  const other = await openCallbackInbox(runOf(), suite({ preferredPort: port }), 1);
  try {
    expect(new URL((preferred as CallbackServer).baseUrl).port).toBe(String(port));
    expect(new URL((other as CallbackServer).baseUrl).port).not.toBe(String(port));
  } finally {
    await Promise.all([preferred.close(), other.close()]);
  }
});

test('with ASYNC_USE_EXTERNAL_CALLBACK no receiver starts and callbacks go to the external one', async () => {
  const run = runOf({ ASYNC_USE_EXTERNAL_CALLBACK: 'true', ASYNC_CALLBACK_BASE_URL: 'http://127.0.0.1:8092' });
  const inbox = await openCallbackInbox(run, suite({ rule: 'external' }), 0);
  expect(inbox.kind).toBe('external');
  expect(inbox.track('job-1')).toMatch(/^http:\/\/127\.0\.0\.1:8092\/callback/);
  await inbox.close();
});
