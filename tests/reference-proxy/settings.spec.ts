import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect } from '@playwright/test';
import { readProxySettings } from '../../reference-proxy/settings.ts';
import { startEntryPoint } from '../support/reference-servers.ts';

// The upstream proxy's config file and the reference proxy's own variables, and `npm run proxy`'s entry point.

const MAIN = fileURLToPath(new URL('../../reference-proxy/main.ts', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../reference-proxy/config.example.json', import.meta.url));
const MINER = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

async function configFile(content: unknown): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'proxy-config-')), 'config.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

test("a config file with only the miner's hotkey takes the upstream defaults", async () => {
  const path = await configFile({ auth: { miner_hotkey: MINER } });
  expect(readProxySettings({ REVERSE_PROXY_CONFIG_PATH: path })).toMatchObject({
    config: {
      server: { host: '0.0.0.0', port: 8080 },
      auth: { miner_hotkey: MINER, allowed_delta_ms: 8000, allowed_senders: [] },
      services: { inference_server_url: 'http://localhost:8091' },
    },
    timeoutSeconds: 10,
    faults: [],
    configPath: path,
  });
});

test('the upstream example file reads as the upstream proxy reads it: numbers as strings, one sender as a string, extra keys kept', async () => {
  const path = await configFile({
    server: { host: '127.0.0.1', port: '9090', reload: false, log_level: 'INFO' },
    auth: { miner_hotkey: ` ${MINER} `, allowed_delta_ms: '5000', cache_duration: 3600, allowed_senders: ' 5Grw ', 'self-debug-key': 'x' },
    services: { inference_server_url: 'http://miner:8091' },
  });
  const { config, timeoutSeconds, faults } = readProxySettings({
    REVERSE_PROXY_CONFIG_PATH: path,
    PROXY_TIMEOUT_SECONDS: '2.5',
    PROXY_FAULTS: 'rewrites-body, accepts-unsigned',
  });
  expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9090 });
  expect(config.auth).toMatchObject({ miner_hotkey: MINER, allowed_delta_ms: 5000, allowed_senders: ['5Grw'], cache_duration: 3600 });
  expect(config.services.inference_server_url).toBe('http://miner:8091');
  expect(timeoutSeconds).toBe(2.5);
  expect(faults).toEqual(['rewrites-body', 'accepts-unsigned']);
});

test('a folder as REVERSE_PROXY_CONFIG_PATH means its config.json, as upstream', async () => {
  const path = await configFile({ auth: { miner_hotkey: MINER } });
  expect(readProxySettings({ REVERSE_PROXY_CONFIG_PATH: join(path, '..') }).configPath).toBe(path);
});

for (const [what, content, env, says] of [
  [
    'no hotkey',
    { auth: {} },
    {},
    /auth\.miner_hotkey in .*config\.json is not accepted \(required: the SS58 hotkey of the miner behind the proxy\)/,
  ],
  ['no auth section', {}, {}, /auth in .* is not accepted \(required: an object with at least miner_hotkey\)/],
  ['a port that is no number', { auth: { miner_hotkey: MINER }, server: { port: 'eighty' } }, {}, /server\.port in .* is not accepted/],
  [
    'a miner URL that is no URL',
    { auth: { miner_hotkey: MINER }, services: { inference_server_url: 'miner' } },
    {},
    /services\.inference_server_url in .* is not accepted/,
  ],
  ['a file that is not JSON', '{"auth":', {}, /config\.json is not JSON \(.*\): fix the file REVERSE_PROXY_CONFIG_PATH names/],
  [
    'an unknown fault',
    { auth: { miner_hotkey: MINER } },
    { PROXY_FAULTS: 'nope' },
    /PROXY_FAULTS="nope" is not accepted \(known faults are accepts-unsigned, .*\): fix PROXY_FAULTS/,
  ],
  [
    'a wait of zero',
    { auth: { miner_hotkey: MINER } },
    { PROXY_TIMEOUT_SECONDS: '0' },
    /PROXY_TIMEOUT_SECONDS="0" is not accepted .*: fix PROXY_TIMEOUT_SECONDS/,
  ],
] as const) {
  test(`${what} is refused in one sentence saying what to fix`, async () => {
    const path = await configFile(content);
    expect(() => readProxySettings({ REVERSE_PROXY_CONFIG_PATH: path, ...env })).toThrow(says);
  });
}

test('a missing config file stops npm run proxy with one sentence and exit code 1', async () => {
  const { child, output } = startEntryPoint(MAIN, { REVERSE_PROXY_CONFIG_PATH: join(tmpdir(), 'no-such-proxy-config.json') });
  const [code] = await once(child, 'exit');
  expect(code).toBe(1);
  expect(output.stderr.trim()).toMatch(
    /^No proxy config file at .*no-such-proxy-config\.json: set REVERSE_PROXY_CONFIG_PATH to the proxy's config\.json/,
  );
  expect(output.stderr).not.toMatch(/^\s+at /m);
});

test('npm run proxy serves the config file it is given and says where it listens', async () => {
  const example = JSON.parse(await readFile(EXAMPLE, 'utf8'));
  const path = await configFile({ ...example, server: { host: '127.0.0.1', port: 0 } });
  const { child, output } = startEntryPoint(MAIN, { REVERSE_PROXY_CONFIG_PATH: path, PROXY_FAULTS: 'no-staleness-check' });
  try {
    const [line] = await Promise.race([
      once(child.stdout, 'data'),
      once(child, 'exit').then(() => {
        throw new Error(`npm run proxy exited: ${output.stderr}`);
      }),
    ]);
    const url = /listening on (http:\/\/\S+)/.exec(String(line))?.[1];
    expect(url, String(line)).toBeDefined();
    expect(String(line)).toContain(`for miner ${MINER} at http://localhost:8091`);
    const health = await fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) });
    expect(await health.json()).toMatchObject({ status: 'healthy', faults: ['no-staleness-check'] });
    const check = await fetch(`${url}/check/${MINER}`, { signal: AbortSignal.timeout(5_000) });
    expect(check.status).toBe(200);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
  expect(output.stdout).toMatch(/GET \/check\/\S+ 200 \d+ ms: the miner's hotkey/);
});
