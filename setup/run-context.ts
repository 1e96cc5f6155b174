import { z } from 'zod';
import { EditRequestSchema } from '../protocol/edit-job.ts';
import { OrchestratorJobSchema } from './orchestrator-jobs.ts';
import { ProxyContextSchema } from './proxy-target.ts';
import type { Settings } from './settings.ts';

// The one channel from global setup to the workers and reporters: a schema-checked JSON in one environment variable,
// Playwright's documented way (workers inherit the runner's process.env). What appears only while the tests run
// (a miner that stopped answering, edit times, setup's late callbacks) lives in the run's folder instead.
const RUN_CONTEXT_VARIABLE = 'KONTEXT_RUN_CONTEXT';

/** A shared edit global setup submitted (setup/base-edits.ts): its job, and the request as sent, image_b64 left out (the run's sample). */
export const StartedEditSchema = z.object({
  name: z.string(),
  jobId: z.string(),
  request: EditRequestSchema.omit({ image_b64: true }).extend({ job_id: z.string() }),
});
export type StartedEdit = z.infer<typeof StartedEditSchema>;

/** What global setup learned of one miner, so no spec probes again. */
export const MinerContextSchema = z.object({
  minerUrl: z.string(),
  /** A folder of this run only, where workers tell each other what they learned (the miner stopped answering). */
  runStateDir: z.string(),
  skipReason: z.string().optional(),
  editRequestFields: z.array(z.string()),
  /** The miner says it is a CPU stand-in (/health config.engine), whose output keeps the prepared input's size. */
  outputKeepsPreparedSize: z.boolean(),
  /** How long global setup's first job took on the miner (its record): the first measure a stuck job is judged by. */
  setupPace: z.object({ durationMs: z.number(), steps: z.number() }).optional(),
  /** Shared edits global setup started on this miner, for every worker to adopt rather than make again. */
  startedEdits: z.array(StartedEditSchema).optional(),
  /** The jobs global setup sent as the orchestrator sends them, with the miner otherwise idle: the window rule judges them. */
  orchestratorJobs: z.array(OrchestratorJobSchema).optional(),
  /** Where this miner reaches the callback receiver (setup/callback-address.ts). */
  callback: z.object({
    publicHost: z.string(),
    preferredPort: z.number().int().optional(),
    protocol: z.enum(['http:', 'https:']),
    bindHost: z.string(),
    rule: z.enum(['explicit', 'docker-network', 'docker-detected', 'loopback', 'external']),
    explanation: z.string(),
  }),
});
export type MinerContext = z.infer<typeof MinerContextSchema>;

/** An edit global setup spent on a miner: the cost reporter bills it; `shared` names a shared edit no worker makes again. */
export const SetupEditSchema = z.object({ steps: z.number(), shared: z.string().optional() });
export type SetupEdit = z.infer<typeof SetupEditSchema>;

export const RunContextSchema = z.object({
  /** The settings as global setup read them (setup/settings.ts): no worker reads the environment again. */
  settings: z.custom<Settings>((value) => typeof value === 'object' && value !== null, 'the settings global setup read'),
  /** Every wait's deadline, from the settings. */
  deadlines: z.object({
    /** One HTTP call to the miner (ASYNC_HTTP_TIMEOUT_SECONDS, 30 s). */
    httpMs: z.number(),
    /** One job, from accepted to completed or failed (ASYNC_JOB_TIMEOUT_SECONDS, 300 s). */
    jobMs: z.number(),
    /** A callback once its job ended: ASYNC_CALLBACK_TIMEOUT_SECONDS (15 s) plus the 8 s a compliant miner holds it. */
    callbackMs: z.number(),
  }),
  miners: z.array(MinerContextSchema),
  /** The proxy project's target, when this run selected it. */
  proxy: ProxyContextSchema.optional(),
  /** Global setup's own edits on each miner, by its URL. */
  setupEdits: z.record(z.string(), z.array(SetupEditSchema)),
});
export type RunContext = z.infer<typeof RunContextSchema>;

/** Hands the run context to the workers (and to the reporters, in this process). */
export function publishRunContext(context: RunContext, env: NodeJS.ProcessEnv = process.env): void {
  env[RUN_CONTEXT_VARIABLE] = JSON.stringify(RunContextSchema.parse(context));
}

/** Whether global setup has published the run context: a worker, or a reporter after setup. */
export function runContextPublished(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env[RUN_CONTEXT_VARIABLE];
}

/** The run context global setup published. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  const raw = env[RUN_CONTEXT_VARIABLE];
  if (!raw)
    throw new Error(
      `${RUN_CONTEXT_VARIABLE} is not set, so global-setup.ts did not run: start the suite with "npx playwright test" from the project folder.`,
    );
  return RunContextSchema.parse(JSON.parse(raw));
}

/** What global setup learned of the miner a worker's project tests. */
export function minerContextOf(run: RunContext, minerUrl: string): MinerContext {
  const context = run.miners.find((c) => c.minerUrl === minerUrl);
  if (!context) throw new Error(`Global setup prepared no miner ${minerUrl}: the project's use.minerUrl names a miner it did not probe.`);
  return context;
}

/** The worker option that names the miner a Playwright project tests (`use: { minerUrl }` in playwright.config.ts). */
export type MinerUnderTest = { minerUrl: string };
