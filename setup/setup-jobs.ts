import type { APIRequestContext } from '@playwright/test';
import { BASE_EDIT_LABELS, startBaseEdits } from './base-edits.ts';
import { runFirstJob, submitTimed, type SubmittedJob } from './callback-path-check.ts';
import { orchestratorBody, type OrchestratorJob, type OrchestratorJobName } from './orchestrator-jobs.ts';
import { protocolRevision } from './protocol-revision.ts';
import type { MinerContext, RunContext, SetupEdit } from './run-context.ts';
import { readSampleInput } from './run-folder.ts';
import type { Settings } from './settings.ts';
import { startSetupReceiver } from './stored-callbacks.ts';

export type SetupJobsOptions = {
  settings: Settings;
  deadlines: RunContext['deadlines'];
  /** The run tests more than one miner: lines name the miner. */
  fleet: boolean;
  /** A selected project edits on this miner itself, so the window's pair and the base edits are worth sending. */
  direct: boolean;
  /** The suite's own fixed image: the broadcast's input. */
  image: Buffer;
  /** Where setup's receiver is stopped at global teardown. */
  stops: (() => Promise<void>)[];
};

/**
 * Setup's jobs on one miner, each sent while the miner is otherwise idle or behind setup's own jobs only: the audit
 * broadcast rehearsal alone (the first edit, and the callback path's proof), then, once its edit is done and while
 * its callback is held, the two jobs of the window rule together, the base edits every worker adopts and the
 * broadcast's replay. The miner edits while setup waits for the first callback and while Playwright starts its workers.
 * Fills the context's pace, started edits and orchestrator jobs, and returns the edits setup spent.
 */
export async function startSetupJobs(api: APIRequestContext, context: MinerContext, options: SetupJobsOptions): Promise<SetupEdit[]> {
  const { settings, deadlines } = options;
  const log = (line: string) => console.log(`[kontext-e2e] ${options.fleet ? `${context.minerUrl}: ` : ''}${line}`);
  const external = context.callback.rule === 'external';
  const receiver = external ? undefined : await startSetupReceiver(context.callback, context.runStateDir);
  if (receiver) options.stops.push(() => receiver.close());
  const callbackUrl = (jobId: string) =>
    receiver ? receiver.track(jobId) : `${settings.ASYNC_CALLBACK_BASE_URL!.replace(/\/+$/, '')}/callback`;
  const takesImageUrl = protocolRevision(context.editRequestFields).imageUrl;
  const input = {
    imageUrl: takesImageUrl && receiver ? (settings.ASYNC_AUDIT_IMAGE_URL ?? receiver.hostInput({ body: options.image })) : undefined,
    b64: options.image.toString('base64'),
  };
  // The broadcast's body as sent: its replay repeats it under a job of its own.
  let broadcastBody: Record<string, unknown> | undefined;
  const submit = async (name: OrchestratorJobName): Promise<OrchestratorJob> => {
    const replayOf = name === 'broadcast replay' ? broadcastBody : undefined;
    const body = orchestratorBody(name, input, callbackUrl, !!settings.ASYNC_TRUSTED_DIGESTS, replayOf);
    broadcastBody ??= body;
    const job: SubmittedJob = await submitTimed(api, context.minerUrl, body, deadlines.httpMs);
    const { image_b64: sentB64, ...kept } = job.body;
    return { name, ...job, body: kept, inputAsB64: sentB64 !== undefined };
  };
  const broadcast = await submit('audit broadcast');
  let later: OrchestratorJob[] = [];
  const spent: SetupEdit[] = [];
  const probe = await runFirstJob(
    api,
    {
      minerUrl: context.minerUrl,
      callback: context.callback,
      receiver,
      jobTimeoutMs: deadlines.jobMs,
      callbackTimeoutMs: settings.ASYNC_CALLBACK_TIMEOUT_SECONDS * 1000,
      holdMs: settings.ASYNC_VALIDATOR_MIN_SECONDS * 1000,
      httpTimeoutMs: deadlines.httpMs,
      log,
      afterEdit: async () => {
        if (!receiver || !options.direct) return;
        const pair = await Promise.all([submit('pair 1'), submit('pair 2')]);
        context.startedEdits = await startBaseEdits(api, {
          minerUrl: context.minerUrl,
          receiver,
          secret: settings.ASYNC_CALLBACK_SECRET,
          sampleB64: readSampleInput(context.runStateDir).toString('base64'),
          httpTimeoutMs: deadlines.httpMs,
        });
        logBaseEdits(context, log);
        // The replay audit's job for the run's first edit, queued now so the miner edits it while setup waits.
        later = [...pair, await submit('broadcast replay')];
      },
    },
    broadcast,
  );
  spent.push({ steps: Number(broadcast.body.num_inference_steps) });
  for (const job of later) if (!job.refusal) spent.push({ steps: Number(job.body.num_inference_steps) });
  for (const { name, request } of context.startedEdits ?? []) spent.push({ steps: request.num_inference_steps ?? 0, shared: name });
  context.setupPace = probe.pace;
  context.orchestratorJobs = [broadcast, ...later];
  return spent;
}

function logBaseEdits(context: MinerContext, log: (line: string) => void): void {
  const started = context.startedEdits ?? [];
  if (!started.length) return;
  const labels = started.map(({ name }) => `"${BASE_EDIT_LABELS[name as keyof typeof BASE_EDIT_LABELS]}"`).join(' and ');
  const steps = started.map(({ request }) => request.num_inference_steps).join(' + ');
  log(`Started ${labels} (${steps} steps), which every worker adopts.`);
}
