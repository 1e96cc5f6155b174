import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { waitUntil } from '../lib/wait-until.ts';

// The benched miner runs in a process of its own, as an operator's does: a miner that blocks while it edits
// (the seed revision's shape) would otherwise stall the bench's own clock, and the wall it reads, with it.

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const MINER_MAIN = fileURLToPath(new URL('../reference-miner/main.ts', import.meta.url));
// tsx compiles the miner at its start: seconds on two busy cores.
const MINER_START_TIMEOUT_MS = 60_000;
const MINER_ANSWER_TIMEOUT_MS = 10_000;
const LISTENING = /listening on http:\/\/[^:]+:(\d+)/;

/** What the bench asks of the reference miner: its shape, and the simulated GPU time of an edit. */
export type MinerShape = {
  workers: number;
  /** MINER_BLOCKS_WHILE_EDITING: no HTTP answered while an edit runs. */
  blocking: boolean;
  /** MINER_CALLBACK_HOLD_SECONDS; undefined keeps the miner's own default. */
  holdSeconds: number | undefined;
  latencyMs: number;
  stepMs: number;
};

/** The part of GET /health the bench reads back: the miner's shape as it says it runs. */
const ShapeSaidSchema = z.object({
  config: z.object({
    inference_workers: z.number(),
    callback_hold_seconds: z.number(),
    blocks_while_editing: z.boolean(),
  }),
});

export type MinerProcess = { url: string; holdSeconds: number; close(): Promise<void> };

/** Starts `npm run miner`'s entry with the shape's settings alone (none of the shell's MINER_* faults), on a free port. */
export async function startMinerProcess(shape: MinerShape, outputDir: string, recordsKeptSeconds: number): Promise<MinerProcess> {
  const settings: Record<string, string> = {
    MINER_SERVER_HOST: '127.0.0.1',
    MINER_SERVER_PORT: '0',
    ENABLE_KONTEXT_EDIT: 'true',
    OUTPUT_DIR: outputDir,
    INFERENCE_WORKERS: String(shape.workers),
    MINER_EDIT_LATENCY_MS: String(shape.latencyMs),
    MINER_STEP_LATENCY_MS: String(shape.stepMs),
    MINER_BLOCKS_WHILE_EDITING: String(shape.blocking),
    JOB_RECORD_TTL_SECONDS: String(recordsKeptSeconds),
    ...(shape.holdSeconds !== undefined && { MINER_CALLBACK_HOLD_SECONDS: String(shape.holdSeconds) }),
  };
  const inherited = Object.fromEntries(
    ['PATH', 'HOME', 'TMPDIR'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', MINER_MAIN], {
    cwd: REPOSITORY,
    env: { ...inherited, ...settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let port: string | undefined;
  // Its one line per job is read and dropped, so a full pipe never stalls it.
  child.stdout.on('data', (chunk: Buffer) => {
    if (port === undefined) port = LISTENING.exec((stdout += chunk.toString()))?.[1];
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  let exitCode: number | undefined;
  void exited.then((code) => (exitCode = code));
  const close = async () => {
    if (exitCode === undefined) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitUntil(
      () => {
        if (exitCode !== undefined)
          throw new Error(
            `The reference miner the bench started exited with code ${exitCode} before it listened: ${stderr.trim() || stdout.trim() || 'it said nothing'}.`,
          );
        return port;
      },
      {
        timeoutMs: MINER_START_TIMEOUT_MS,
        pauses: [20, 50, 100],
        describe: () => `the reference miner the bench started never said it was listening; it said ${JSON.stringify(stdout + stderr)}`,
      },
    );
    const url = `http://127.0.0.1:${port}`;
    const said = ShapeSaidSchema.parse(await getJson(url, '/health')).config;
    if (said.inference_workers !== shape.workers || said.blocks_while_editing !== shape.blocking)
      throw new Error(
        `The bench asked the reference miner for ${shape.workers} worker(s), blocking ${shape.blocking}, but its /health says ${said.inference_workers}, blocking ${said.blocks_while_editing}: check reference-miner/config.ts reads INFERENCE_WORKERS and MINER_BLOCKS_WHILE_EDITING.`,
      );
    return { url, holdSeconds: said.callback_hold_seconds, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One GET to the miner, bounded, that must answer 2xx with JSON. */
export async function getJson(minerUrl: string, route: string): Promise<unknown> {
  const response = await fetch(`${minerUrl}${route}`, { signal: AbortSignal.timeout(MINER_ANSWER_TIMEOUT_MS) });
  if (!response.ok)
    throw new Error(`The miner's GET ${route} answered ${response.status}, where the bench expected 200: ${await response.text()}`);
  return response.json();
}
