import { expect, test } from '@playwright/test';
import { resolveCallbackAddress } from '../../setup/callback-address.ts';
import { readSettings } from '../../setup/settings.ts';
import { dockerStandIn, networkInspectJson } from '../support/docker-stand-in.ts';

const MINER = 'http://127.0.0.1:8091';
const NETWORK = 'dippy-studio-bittensor-miner_default';

test('ASYNC_CALLBACK_BASE_URL wins and Docker is not asked', async () => {
  const docker = dockerStandIn({ ps: `miner\t${NETWORK}`, inspect: networkInspectJson(NETWORK, '172.18.0.1') });
  const address = await resolveCallbackAddress(readSettings({ ASYNC_CALLBACK_BASE_URL: 'http://172.18.0.1:8092' }), MINER, docker.env);
  expect(address).toMatchObject({ rule: 'explicit', publicHost: '172.18.0.1', preferredPort: 8092, bindHost: '0.0.0.0' });
  expect(docker.calls()).toEqual([]);
});

test('an explicit loopback base URL binds loopback unless ASYNC_CALLBACK_BIND_HOST says otherwise', async () => {
  const loopback = await resolveCallbackAddress(readSettings({ ASYNC_CALLBACK_BASE_URL: 'http://127.0.0.1:8092' }), MINER);
  expect(loopback).toMatchObject({ publicHost: '127.0.0.1', bindHost: '127.0.0.1' });
  const bound = await resolveCallbackAddress(
    readSettings({ ASYNC_CALLBACK_BASE_URL: 'http://127.0.0.1:8092', ASYNC_CALLBACK_BIND_HOST: '0.0.0.0' }),
    MINER,
  );
  expect(bound.bindHost).toBe('0.0.0.0');
});

test('a named Docker network gives its gateway and binds every interface', async () => {
  const docker = dockerStandIn({ inspect: networkInspectJson(NETWORK, '172.18.0.1') });
  const address = await resolveCallbackAddress(readSettings({ ASYNC_DOCKER_NETWORK: NETWORK }), MINER, docker.env);
  expect(address).toMatchObject({ rule: 'docker-network', publicHost: '172.18.0.1', bindHost: '0.0.0.0' });
  expect(docker.calls()).toEqual([`network inspect ${NETWORK}`]);
});

test("a container publishing the miner's port is found and its network's gateway used", async () => {
  const docker = dockerStandIn({ ps: `dippy-miner-1\t${NETWORK}`, inspect: networkInspectJson(NETWORK, '172.19.0.1') });
  const address = await resolveCallbackAddress(readSettings({}), MINER, docker.env);
  expect(address).toMatchObject({ rule: 'docker-detected', publicHost: '172.19.0.1', bindHost: '0.0.0.0' });
  expect(address.explanation).toContain(NETWORK);
  expect(docker.calls()[0]).toContain('publish=8091');
});

test('no container on the port, no engine, or no docker command: loopback, saying why', async () => {
  const none = await resolveCallbackAddress(readSettings({}), MINER, dockerStandIn({ ps: '' }).env);
  expect(none).toMatchObject({ rule: 'loopback', publicHost: '127.0.0.1', bindHost: '127.0.0.1' });
  expect(none.explanation).toContain('no running Docker container publishes port 8091');
  const noEngine = await resolveCallbackAddress(readSettings({}), MINER, dockerStandIn({ noEngine: true }).env);
  expect(noEngine.explanation).toBe('no ASYNC_CALLBACK_BASE_URL, and Docker is not running here'); // one clause, not the daemon's error
  const noCli = await resolveCallbackAddress(readSettings({}), MINER, { PATH: '/nonexistent' });
  expect(noCli.explanation).toBe('no ASYNC_CALLBACK_BASE_URL, and there is no docker command here');
});

test('a named network that cannot be inspected stops with a sentence naming it and the fix', async () => {
  const docker = dockerStandIn({ inspect: 'Error: No such network' });
  await expect(resolveCallbackAddress(readSettings({ ASYNC_DOCKER_NETWORK: 'typo_default' }), MINER, docker.env)).rejects.toThrow(
    /ASYNC_DOCKER_NETWORK names typo_default but its gateway could not be read .*set ASYNC_CALLBACK_BASE_URL/,
  );
});

test('a miner on another host is warned about loopback callbacks', async () => {
  const address = await resolveCallbackAddress(readSettings({}), 'http://10.1.2.3:8091', dockerStandIn({}).env);
  expect(address.rule).toBe('loopback');
  expect(address.explanation).toMatch(/likely cannot reach 127\.0\.0\.1, set ASYNC_CALLBACK_BASE_URL/);
});
