import { connect } from 'node:net';
import { waitUntil } from '../../lib/wait-until.ts';
import { healthyAndFaulty } from './healthy-and-faulty.ts';
import { expect, test, type MinerUnderTest } from './miner-test.ts';

// The sick-miner faults strike at the first edit; `npm run miner`'s exit on dies-mid-job is in main.spec.ts.

/** What GET /health comes to within 1 s: its status, or why there was none. */
async function healthWithin1s(miner: MinerUnderTest): Promise<string> {
  try {
    const response = await fetch(`${miner.url}/health`, { signal: AbortSignal.timeout(1_000) });
    return String(response.status);
  } catch (error) {
    const cause = (error as Error & { cause?: NodeJS.ErrnoException }).cause?.code;
    return (error as Error).name === 'TimeoutError' ? 'no answer' : (cause ?? (error as Error).message);
  }
}

/** What a fresh TCP connection to the miner's port comes to: "accepted", or the error code. */
function connectOutcome(miner: MinerUnderTest): Promise<string> {
  const { hostname, port } = new URL(miner.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

test('hangs-mid-job: after the first edit starts, connections are accepted and no request is answered', async ({
  startMiner,
  imageB64,
}) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'hangs-mid-job');
  const body = { prompt: 'x', seed: 1, image_b64: imageB64 };
  expect(await healthWithin1s(faulty), 'before any edit').toBe('200');
  expect((await faulty.edit(body)).status, 'the edit itself is accepted').toBe(200);
  expect(
    await waitUntil(async () => ((await healthWithin1s(faulty)) === 'no answer' ? true : undefined), {
      timeoutMs: 5_000,
      describe: () => 'the miner kept answering after its first edit',
    }),
  ).toBe(true);
  expect(await connectOutcome(faulty)).toBe('accepted');
  await healthy.run(body);
  expect(await healthWithin1s(healthy)).toBe('200');
});

test('dies-mid-job: after the first edit starts, the listener is closed and connections are refused', async ({ startMiner, imageB64 }) => {
  const { healthy, faulty } = await healthyAndFaulty(startMiner, 'dies-mid-job');
  const body = { prompt: 'x', seed: 1, image_b64: imageB64 };
  expect(await healthWithin1s(faulty), 'before any edit').toBe('200');
  await faulty.edit(body).catch(() => undefined); // the answer may or may not get out before the miner dies
  const refused = await waitUntil(
    async () => {
      // A connection caught while the listener closes is reset, not refused: wait for the closed state.
      const outcome = await connectOutcome(faulty);
      return outcome === 'ECONNREFUSED' ? outcome : undefined;
    },
    { timeoutMs: 5_000, describe: () => 'the miner still accepts connections after its first edit' },
  );
  expect(refused).toBe('ECONNREFUSED');
  await healthy.run(body);
  expect(await connectOutcome(healthy)).toBe('accepted');
});
