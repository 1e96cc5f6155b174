import { z } from 'zod';
import {
  broadcastPrompt,
  orchestratorPayload,
  orchestratorSecret,
  orchestratorSeed,
  uuidv7,
  type OrchestratorPayload,
} from '../protocol/orchestrator.ts';

// The jobs global setup sends as the orchestrator sends them (protocol/orchestrator.ts), with the miner otherwise
// idle: the audit broadcast first, alone (it is also the miner's first edit of the run, which the replay audit may
// pick like any other), then two ordinary Kontext jobs together. Their callbacks arrive while the tests run; the
// validator-window spec judges them, and the run's pay is reckoned from them.

/** What the run's audit broadcast rehearsal sends when its digest must match a recorded trusted set: fixed, not drawn. */
export const RECORDED_BROADCAST = { prompt: '5e1f0c3a9b7d24e8a6f1c0b3d9e2a7f4', seed: 2_718_281_828 } as const;

/** The prompt of the two ordinary jobs, a validator's kind of instruction. */
const PAIR_PROMPT = 'Make the sky a warm sunset orange';

/**
 * Which of setup's orchestrator-shaped jobs this is: the window rule's three, and the broadcast's replay (the replay
 * audit's job, sent once the broadcast's edit is done, so the miner's first edit of the run is compared too).
 */
export const ORCHESTRATOR_JOB_NAMES = ['audit broadcast', 'pair 1', 'pair 2', 'broadcast replay'] as const;
export type OrchestratorJobName = (typeof ORCHESTRATOR_JOB_NAMES)[number];

/** The jobs the window rule judges: sent with the miner otherwise idle. */
export const WINDOW_JOB_NAMES: readonly OrchestratorJobName[] = ['audit broadcast', 'pair 1', 'pair 2'];

/** One of setup's orchestrator-shaped jobs as the workers receive it: the body as sent (an image_b64 left out), and its times. */
export const OrchestratorJobSchema = z.object({
  name: z.enum(ORCHESTRATOR_JOB_NAMES),
  jobId: z.string(),
  body: z.record(z.string(), z.unknown()),
  /** The input went as image_b64 (a miner of the seed revision takes no image_url): the orchestrator never sends that. */
  inputAsB64: z.boolean(),
  createdMs: z.number(),
  dispatchedMs: z.number(),
  refusal: z.string().optional(),
});
export type OrchestratorJob = z.infer<typeof OrchestratorJobSchema>;

export type OrchestratorInput = {
  /** Where the miner downloads the input; undefined when it takes no image_url (then `b64` goes instead). */
  imageUrl: string | undefined;
  b64: string;
};

/**
 * A Kontext job's body as the orchestrator builds it; a miner that takes no image_url gets the same bytes as
 * image_b64 in its place (the field order kept), which only the seed revision needs.
 */
export function orchestratorBody(
  name: OrchestratorJobName,
  input: OrchestratorInput,
  callbackUrl: (jobId: string) => string,
  recorded: boolean,
  replayOf?: Record<string, unknown>,
): Record<string, unknown> & Pick<OrchestratorPayload, 'job_id' | 'callback_secret'> {
  const jobId = uuidv7();
  // The replay audit sends the same payload and seed under a job of its own.
  if (replayOf) return { ...replayOf, job_id: jobId, callback_url: callbackUrl(jobId), callback_secret: orchestratorSecret() };
  const broadcast = name === 'audit broadcast';
  const payload = orchestratorPayload({
    prompt: broadcast ? (recorded ? RECORDED_BROADCAST.prompt : broadcastPrompt()) : PAIR_PROMPT,
    seed: broadcast && recorded ? RECORDED_BROADCAST.seed : orchestratorSeed(),
    imageUrl: input.imageUrl ?? '',
    jobId,
    callbackUrl: callbackUrl(jobId),
    callbackSecret: orchestratorSecret(),
  });
  if (input.imageUrl) return payload;
  const fields = Object.entries(payload).map(([field, value]) => (field === 'image_url' ? ['image_b64', input.b64] : [field, value]));
  return { ...(Object.fromEntries(fields) as Record<string, unknown>), job_id: jobId, callback_secret: payload.callback_secret };
}
