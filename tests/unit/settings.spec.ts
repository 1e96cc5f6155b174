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

test('an unknown ASYNC_ name is refused with the closest known one, by edit distance', () => {
  expect(() => readSettings({ ASYNC_JOB_TIMEOUT_SECOND: '5' })).toThrow(
    /^ASYNC_JOB_TIMEOUT_SECOND in the environment .*did you mean ASYNC_JOB_TIMEOUT_SECONDS\?/,
  );
  expect(() => readSettings({ ASYNC_CALLBAK_SECRET: 's' })).toThrow(/did you mean ASYNC_CALLBACK_SECRET\?/);
  expect(readSettings({ ASYNC_SIGNER_URI: '//Alice', OTHER_THING: 'x' }).ASYNC_CALLBACK_SECRET).toBe('test-secret');
});

test('a URL with an empty port is refused rather than read as port 80', () => {
  expect(() => readSettings({ ASYNC_CALLBACK_BASE_URL: 'http://172.18.0.1:' })).toThrow(/names no port after the colon/);
  expect(readSettings({ ASYNC_MINER_URL: 'http://[::1]:8091' }).ASYNC_MINER_URL).toBe('http://[::1]:8091');
});
