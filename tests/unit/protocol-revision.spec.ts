import { expect, test } from '@playwright/test';
import { describeProtocol, protocolRevision, readEditRequestFields } from '../../setup/protocol-revision.ts';
import { startScriptedServer } from '../support/scripted-server.ts';

const LATER_REVISION = {
  openapi: '3.1.0',
  components: { schemas: { EditRequest: { properties: { prompt: {}, seed: {}, image_url: {}, image_b64: {} } }, Other: {} } },
};

const serve = (status: number, body: object) => startScriptedServer(() => ({ status, body }));

test('a later-revision miner is told apart by the fields its /openapi.json declares', async ({ request }) => {
  const miner = await serve(200, LATER_REVISION);
  try {
    const fields = await readEditRequestFields(request, miner.url);
    expect(protocolRevision(fields)).toEqual({ referenceJobId: false, imageUrl: true });
    expect(describeProtocol(fields)).toBe("The miner's edit request speaks the later one (image_url).");
  } finally {
    await miner.close();
  }
});

test('without an /openapi.json the miner is taken to speak the seed protocol', async ({ request }) => {
  const miner = await serve(404, { detail: 'Not Found' });
  try {
    expect(protocolRevision(await readEditRequestFields(request, miner.url)).referenceJobId).toBe(true);
  } finally {
    await miner.close();
  }
});
