import { expect, test } from '@playwright/test';
import { minerTargets, readSettings } from '../../setup/settings.ts';

test('defaults are those of the original suite', () => {
  expect(readSettings({})).toMatchObject({
    ASYNC_CALLBACK_SECRET: 'test-secret',
    ASYNC_USE_EXTERNAL_CALLBACK: false,
    ASYNC_JOB_TIMEOUT_SECONDS: 300,
    ASYNC_CALLBACK_TIMEOUT_SECONDS: 15,
  });
});

test('flags accept the usual spellings and URLs lose their trailing slash', () => {
  const settings = readSettings({ ASYNC_SKIP_IF_MINER_UNAVAILABLE: 'YES', ASYNC_MINER_URL: 'http://localhost:8091/' });
  expect(settings.ASYNC_SKIP_IF_MINER_UNAVAILABLE).toBe(true);
  expect(settings.ASYNC_MINER_URL).toBe('http://localhost:8091');
});

test('empty variables count as unset, as in a .env with blank values', () => {
  expect(readSettings({ ASYNC_MINER_URL: '', ASYNC_CALLBACK_BASE_URL: '' }).ASYNC_MINER_URL).toBeUndefined();
});

for (const [name, value, accepts] of [
  ['ASYNC_MINER_URL', 'localhost:8091', 'an http(s) URL'],
  ['ASYNC_CALLBACK_BASE_URL', 'ftp://host', 'an http(s) URL'],
  ['ASYNC_USE_EXTERNAL_CALLBACK', 'maybe', 'true or false'],
  ['ASYNC_JOB_TIMEOUT_SECONDS', '-5', 'a positive number of seconds'],
  ['ASYNC_CALLBACK_BIND_HOST', 'not a host!', 'an interface address'],
] as const) {
  test(`a bad ${name} is named with what it accepts and what came`, () => {
    expect(() => readSettings({ [name]: value })).toThrow(`${name} accepts ${accepts}`);
    expect(() => readSettings({ [name]: value })).toThrow(`but it is "${value}": fix ${name}`);
  });
}

test('an external receiver needs its address', () => {
  expect(() => readSettings({ ASYNC_USE_EXTERNAL_CALLBACK: 'true' })).toThrow(/needs ASYNC_CALLBACK_BASE_URL/);
});

test('ASYNC_MINER_URLS names a fleet; a different ASYNC_MINER_URL beside it is refused in one sentence', () => {
  const fleet = readSettings({ ASYNC_MINER_URLS: 'http://10.0.0.5:8091/, http://10.0.0.6:8091' });
  expect(minerTargets(fleet)).toEqual(['http://10.0.0.5:8091', 'http://10.0.0.6:8091']);
  expect(minerTargets(readSettings({ ASYNC_MINER_URL: 'http://localhost:8091' }))).toEqual(['http://localhost:8091']);
  expect(() => readSettings({ ASYNC_MINER_URLS: 'http://a:1,miner-b:2' })).toThrow(/ASYNC_MINER_URLS accepts an http\(s\) URL/);
  expect(() => readSettings({ ASYNC_MINER_URLS: 'http://a:1', ASYNC_MINER_URL: 'http://b:2' })).toThrow(
    'ASYNC_MINER_URL (http://b:2) and ASYNC_MINER_URLS (http://a:1) name different miners: set only ASYNC_MINER_URLS to test a fleet, or only ASYNC_MINER_URL for one miner.',
  );
});

const PROXY = {
  ASYNC_PROXY_URL: 'http://miner-host:8080/',
  ASYNC_SIGNER_URI: 'bottom drive obey lake curtain smoke basket hold race lonely fit walk',
  ASYNC_MINER_HOTKEY: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
};

test('the proxy settings are read together; the proxy waits 10 s before its 202 unless told', () => {
  expect(readSettings(PROXY)).toMatchObject({ ASYNC_PROXY_URL: 'http://miner-host:8080', ASYNC_PROXY_WAIT_SECONDS: 10 });
});

test('a proxy setting without the others is refused in one sentence naming what to set', () => {
  expect(() => readSettings({ ASYNC_PROXY_URL: PROXY.ASYNC_PROXY_URL })).toThrow(
    'The proxy checks need ASYNC_PROXY_URL, ASYNC_SIGNER_URI, ASYNC_MINER_HOTKEY together, but only ASYNC_PROXY_URL is set: set ASYNC_SIGNER_URI and ASYNC_MINER_HOTKEY too, or unset it to test the bundled reference proxy.',
  );
  expect(() => readSettings({ ...PROXY, ASYNC_PROXY_URL: '' })).toThrow(
    /only ASYNC_SIGNER_URI and ASYNC_MINER_HOTKEY are set: set ASYNC_PROXY_URL too/,
  );
  expect(() => readSettings({ ...PROXY, ASYNC_MINER_URLS: 'http://a:1,http://b:2' })).toThrow(/ASYNC_PROXY_URL fronts one miner/);
});

test('a hotkey that is not SS58 is named; a bad signer secret is never quoted', () => {
  expect(() => readSettings({ ...PROXY, ASYNC_MINER_HOTKEY: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694tx' })).toThrow(
    /ASYNC_MINER_HOTKEY accepts the SS58 address of the miner's hotkey.*but it is "5FHneW46.*694tx": fix ASYNC_MINER_HOTKEY/,
  );
  expect(() => readSettings({ ...PROXY, ASYNC_SIGNER_URI: ' \t ' })).toThrow(
    /ASYNC_SIGNER_URI accepts .*, but it is set \(not shown\): fix ASYNC_SIGNER_URI/,
  );
});

test('an unknown ASYNC_ name is refused with the closest known one, by edit distance', () => {
  expect(() => readSettings({ ASYNC_JOB_TIMEOUT_SECOND: '5' })).toThrow(
    /^ASYNC_JOB_TIMEOUT_SECOND in the environment .*did you mean ASYNC_JOB_TIMEOUT_SECONDS\?/,
  );
  expect(() => readSettings({ ASYNC_CALLBAK_SECRET: 's' })).toThrow(/did you mean ASYNC_CALLBACK_SECRET\?/);
  expect(readSettings({ ASYNC_CALLBACK_SECRET: 's', OTHER_THING: 'x' }).ASYNC_CALLBACK_SECRET).toBe('s');
});

test('a URL with an empty port is refused rather than read as port 80', () => {
  expect(() => readSettings({ ASYNC_CALLBACK_BASE_URL: 'http://172.18.0.1:' })).toThrow(/names no port after the colon/);
  expect(readSettings({ ASYNC_MINER_URL: 'http://[::1]:8091' }).ASYNC_MINER_URL).toBe('http://[::1]:8091');
});
