import { z } from 'zod';
import { faultListSchema } from '../lib/fault-list.ts';
import { FAULTS, isFaultName } from './faults.ts';
import { PROTOCOL_REVISIONS } from './protocol-revision.ts';

const flag = z
  .union([
    z.boolean(),
    z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'])),
  ])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
const int = (min: number) => z.coerce.number().int().min(min);

/** The real miner's settings and the reference miner's own, with the real defaults. */
export const MinerConfigSchema = z.object({
  host: z.string().min(1).default('0.0.0.0'),
  port: int(0).max(65535).default(8091),
  enableKontextEdit: flag.default(false),
  outputDir: z.string().min(1).default('./output'),
  serviceUrl: z.string().url().optional(),
  inferenceWorkers: int(1).default(1),
  inferenceQueueMaxsize: int(0).default(0),
  callbackTimeoutSeconds: z.coerce.number().positive().default(30),
  jobRecordTtlSeconds: z.coerce.number().positive().default(300),
  /** Simulated GPU time of an edit: the fixed part, plus stepLatencyMs per denoising step. */
  editLatencyMs: int(0).default(0),
  stepLatencyMs: int(0).default(0),
  /** A completed job's callback is sent no sooner than this many seconds after its POST /edit arrived (the orchestrator's minimum runtime). */
  callbackHoldSeconds: z.coerce.number().nonnegative().default(8),
  /** Imitates the seed revision's event loop: the simulated GPU time is spent synchronously, so no HTTP is answered during an edit. */
  blocksWhileEditing: flag.default(false),
  maxBodyBytes: int(1024).default(32 * 1024 * 1024),
  protocolRevision: z.enum(PROTOCOL_REVISIONS).default('both'),
  faults: faultListSchema(FAULTS, isFaultName),
});
export type MinerConfig = z.output<typeof MinerConfigSchema>;
export type MinerOverrides = z.input<typeof MinerConfigSchema>;

const VARIABLES: Record<keyof MinerConfig, string> = {
  host: 'MINER_SERVER_HOST',
  port: 'MINER_SERVER_PORT',
  enableKontextEdit: 'ENABLE_KONTEXT_EDIT',
  outputDir: 'OUTPUT_DIR',
  serviceUrl: 'SERVICE_URL',
  inferenceWorkers: 'INFERENCE_WORKERS',
  inferenceQueueMaxsize: 'INFERENCE_QUEUE_MAXSIZE',
  callbackTimeoutSeconds: 'CALLBACK_TIMEOUT',
  jobRecordTtlSeconds: 'JOB_RECORD_TTL_SECONDS',
  editLatencyMs: 'MINER_EDIT_LATENCY_MS',
  stepLatencyMs: 'MINER_STEP_LATENCY_MS',
  callbackHoldSeconds: 'MINER_CALLBACK_HOLD_SECONDS',
  blocksWhileEditing: 'MINER_BLOCKS_WHILE_EDITING',
  maxBodyBytes: 'MINER_MAX_BODY_BYTES',
  protocolRevision: 'MINER_PROTOCOL_REVISION',
  faults: 'MINER_FAULTS',
};

export class MinerConfigError extends Error {}

/** Reads the miner's settings from environment variables, or says which one is wrong and what it accepts. */
export function readMinerConfig(env: NodeJS.ProcessEnv): MinerConfig {
  const raw: Record<string, string> = {};
  for (const [key, variable] of Object.entries(VARIABLES)) if (env[variable]) raw[key] = env[variable]!;
  return parseMinerConfig(raw, (key) => `${VARIABLES[key]}=${JSON.stringify(env[VARIABLES[key]])}`);
}

export function parseMinerConfig(input: MinerOverrides, describe: (key: keyof MinerConfig) => string = (k) => k): MinerConfig {
  const parsed = MinerConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path[0] as keyof MinerConfig;
  throw new MinerConfigError(`${describe(key)} is not accepted (${issue.message}): fix ${VARIABLES[key]} and start again.`);
}
