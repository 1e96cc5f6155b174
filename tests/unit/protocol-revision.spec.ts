import { expect, test } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readEditRequestFields } from '../../fixtures/edit-request-fields.ts';
import { describeProtocol, protocolRevision } from '../../fixtures/protocol-revision.ts';

const LATER_REVISION = { openapi: '3.1.0', components: { schemas: { EditRequest: { properties: { prompt: {}, seed: {}, image_url: {}, image_b64: {} } }, Other: {} } } };

async function serve(status: number, body: unknown): Promise<{ url: string; close: () => void }> {
  const server = createServer((_, response) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

test('a later-revision miner is told apart by the fields its /openapi.json declares', async ({ request }) => {
  const miner = await serve(200, LATER_REVISION);
  try {
    const fields = await readEditRequestFields(request, miner.url);
    expect(protocolRevision(fields)).toEqual({ referenceJobId: false, imageUrl: true });
    expect(describeProtocol(fields)).toBe("The miner's edit request speaks the later one (image_url).");
  } finally {
    miner.close();
  }
});

test('without an /openapi.json the miner is taken to speak the seed protocol', async ({ request }) => {
  const miner = await serve(404, { detail: 'Not Found' });
  try {
    expect(protocolRevision(await readEditRequestFields(request, miner.url)).referenceJobId).toBe(true);
  } finally {
    miner.close();
  }
});
