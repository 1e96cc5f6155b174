import { test as base, expect } from '@playwright/test';
import { epistulaHeaders, signerFromUri, type KeyringPair } from '../../lib/epistula.ts';
import type { ProxyConfigFileInput } from '../../protocol/epistula.ts';
import type { ProxyFaultName } from '../../reference-proxy/faults.ts';
import { startReferenceProxy, type RunningProxy } from '../../reference-proxy/server.ts';
import { call, callSendingBody, type Answer } from './reference-servers.ts';
import { startStandInMiner, type StandInMiner } from './stand-in-miner.ts';

export type { Answer } from './reference-servers.ts';

// The reference proxy in this process in front of a stand-in miner; Substrate's dev keys play the parts:
// //Alice is the validator the proxy allows, //Bob the miner, //Charlie a sender the proxy does not know.

/** Every call to the proxy ends within this, so a hanging proxy fails the test with a reason. */

export type ProxyStart = {
  faults?: ProxyFaultName[];
  timeoutSeconds?: number;
  syncTimeoutSeconds?: number;
  auth?: Partial<NonNullable<ProxyConfigFileInput['auth']>>;
  /** Where the proxy forwards; the test's stand-in miner when not given. */
  minerUrl?: string;
};

export class ProxyUnderTest {
  constructor(
    readonly running: RunningProxy,
    readonly keys: Keys,
  ) {}

  get url(): string {
    return this.running.url;
  }

  async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    // fetch sends no body with a GET; validators' GET /capacity has one
    if (method === 'GET' && body) return callSendingBody(`${this.url}${path}`, { method, headers, body });
    return call(`${this.url}${path}`, { method, headers, body });
  }

  /** Sends `body` (none when empty) signed as a validator would; `sign` changes what is signed (another body, time, miner or key). */
  signed(
    method: string,
    path: string,
    body = '',
    sign: { signer?: KeyringPair; signedFor?: string; timestampMs?: number; signedBody?: string } = {},
  ): Promise<Answer> {
    const headers = epistulaHeaders({
      body: sign.signedBody ?? body,
      signer: sign.signer ?? this.keys.validator,
      signedFor: sign.signedFor ?? this.keys.miner.address,
      timestampMs: sign.timestampMs,
    });
    return this.request(method, path, body || undefined, { 'content-type': 'application/json', ...headers });
  }
}

export type Keys = { validator: KeyringPair; miner: KeyringPair; stranger: KeyringPair };

type ProxyFixtures = {
  keys: Keys;
  /** The stand-in miner behind the default proxy; it answers at once. */
  miner: StandInMiner;
  /** Starts a reference proxy in front of `miner` (or `minerUrl`); stopped after the test. */
  startProxy: (start?: ProxyStart) => Promise<ProxyUnderTest>;
  /** A healthy reference proxy with the upstream defaults. */
  reverseProxy: ProxyUnderTest;
};

export const test = base.extend<ProxyFixtures>({
  keys: async ({}, use) =>
    use({ validator: await signerFromUri('//Alice'), miner: await signerFromUri('//Bob'), stranger: await signerFromUri('//Charlie') }),
  miner: async ({}, use) => {
    const miner = await startStandInMiner();
    await use(miner);
    await miner.close();
  },
  startProxy: async ({ keys, miner }, use, testInfo) => {
    const running: RunningProxy[] = [];
    const log: string[] = [];
    await use(async ({ faults = [], timeoutSeconds, syncTimeoutSeconds, auth = {}, minerUrl = miner.url } = {}) => {
      const proxy = await startReferenceProxy(
        {
          config: {
            server: { host: '127.0.0.1', port: 0 },
            auth: { miner_hotkey: keys.miner.address, allowed_senders: [keys.validator.address], ...auth },
            services: { inference_server_url: minerUrl },
          },
          faults,
          timeoutSeconds,
          syncTimeoutSeconds,
        },
        (line) => log.push(line),
      );
      running.push(proxy);
      return new ProxyUnderTest(proxy, keys);
    });
    await Promise.all(running.map((p) => p.close()));
    // the proxy's one line per request, for the report of a test that did not go as expected
    if (testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach('proxy log', { body: log.join('\n'), contentType: 'text/plain' });
  },
  reverseProxy: async ({ startProxy }, use) => use(await startProxy()),
});

export { expect };
