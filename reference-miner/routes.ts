import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sharp from 'sharp';
import { minerAccepted } from '../protocol/edit-job.ts';
import type { JobListing } from '../protocol/listings.ts';
import type { ActivityLog } from './activity-log.ts';
import type { MinerConfig } from './config.ts';
import { jsonInvalidDetail } from './fastapi-validation.ts';
import type { Faults } from './faults.ts';
import { answerBytes, answerJson, readBody } from '../lib/http-io.ts';
import { isoNow } from './iso-now.ts';
import type { Job } from './job-record.ts';
import type { JobQueue } from './job-queue.ts';
import type { JobStore } from './job-store.ts';
import { openApiDocument } from './openapi.ts';
import { revisionRules } from './protocol-revision.ts';
import { resultFile } from './result-file.ts';
import { admitEdit } from './admit-edit.ts';

export const VERSION = '1.0.0';

export type RouteDependencies = { config: MinerConfig; faults: Faults; store: JobStore; queue: JobQueue<Job>; activity: ActivityLog };

/** The miner's HTTP API, route by route, as docs/protocol.md describes it ("GET /health" to "GET /edit/result/{job_id}"). */
export function createRoutes({ config, faults, store, queue, activity }: RouteDependencies) {
  let acceptedJobs = 0;
  const rules = revisionRules(config.protocolRevision);
  function health() {
    return {
      status: 'healthy',
      timestamp: isoNow(),
      services: { inference: 'reference', kontext_edit: config.enableKontextEdit ? 'loaded' : 'disabled' },
      config: {
        engine: 'reference-cpu', // output size = prepared input size, unlike a real model
        protocol_revision: config.protocolRevision,
        inference_workers: config.inferenceWorkers,
        inference_queue_maxsize: config.inferenceQueueMaxsize,
        callback_timeout: config.callbackTimeoutSeconds,
        job_record_ttl_seconds: config.jobRecordTtlSeconds,
        edit_latency_ms: config.editLatencyMs,
        step_latency_ms: config.stepLatencyMs,
        callback_hold_seconds: config.callbackHoldSeconds,
        blocks_while_editing: config.blocksWhileEditing,
        faults: faults.list(),
      },
    };
  }

  async function submit(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedAtMs = Date.now(); // before the body is read: the orchestrator's clock started even earlier
    if (!config.enableKontextEdit) return answerJson(response, 503, { detail: 'Kontext editing is disabled (ENABLE_KONTEXT_EDIT=false)' });
    const raw = await readBody(request, faults.has('no-body-limit') ? Infinity : config.maxBodyBytes);
    if (!raw) return answerJson(response, 413, { detail: `Request body exceeds ${config.maxBodyBytes} bytes` });
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      return answerJson(response, 422, { detail: jsonInvalidDetail(error as Error) });
    }
    const admitted = await admitEdit(body, arrivedAtMs, rules, store, faults);
    if ('status' in admitted) return answerJson(response, admitted.status, admitted.body);
    if (faults.has('queue-full-503') && queue.isFull())
      return answerJson(response, 503, { detail: `Inference queue is full (${config.inferenceQueueMaxsize} jobs waiting)` });
    store.put(admitted);
    activity.queued(admitted, admitted.record.id, admitted.request.num_inference_steps);
    // queue-skips-job: the job is answered and recorded queued, but no worker ever gets it
    if (!(faults.has('queue-skips-job') && ++acceptedJobs % 4 === 0)) await queue.add(admitted); // a full queue holds the answer until there is room
    answerJson(response, 200, minerAccepted(admitted.record.id));
  }

  function status(id: string, response: ServerResponse): void {
    const job = store.get(id);
    if (job) return answerJson(response, 200, job.record);
    if (store.wasCleanedUp(id)) return answerJson(response, 200, { id, status: 'completed', note: 'job record cleaned up' });
    if (faults.has('unknown-id-200')) return answerJson(response, 200, { id, status: 'queued', queued_at: isoNow() });
    answerJson(response, 404, { detail: `Job ${id} not found` });
  }

  /** /edit/result/{id} (`api`) refuses an unfinished job (400, later 404); /images/edits/{id}.png serves whatever file exists. */
  async function result(id: string, response: ServerResponse, api: boolean): Promise<void> {
    const job = store.get(id);
    if (api && job && job.record.status !== 'completed' && faults.has('unfinished-result-200'))
      return answerBytes(response, 'image/png', Buffer.alloc(0));
    if (api && job && job.record.status !== 'completed')
      return answerJson(response, rules.unfinishedResultStatus, { detail: `Job ${id} is ${job.record.status}, not completed` });
    const known = !api || job || store.wasCleanedUp(id);
    const png =
      known && !faults.has('result-missing') ? await readFile(resultFile(config.outputDir, id)).catch(() => undefined) : undefined;
    if (!png) return answerJson(response, 404, { detail: `Result for ${id} not found` });
    if (faults.has('result-not-png')) return answerBytes(response, 'image/png', await sharp(png).jpeg().toBuffer());
    if (!api && faults.has('static-image-differs'))
      return answerBytes(response, 'image/png', await sharp(png).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer());
    answerBytes(response, 'image/png', png);
  }

  /** GET /jobs as upstream lists it: both kinds, or the one `?job_type=` names; this miner only runs edit jobs. */
  function jobListing(jobType: string | null): JobListing {
    return {
      ...((jobType === null || jobType === 'edit') && { edit_jobs: store.list().map((j) => j.record) }),
      ...((jobType === null || jobType === 'inference') && { inference_jobs: [] }),
    };
  }

  return async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://miner');
    const method = request.method ?? 'GET';
    const [, first, second, third] = url.pathname.split('/');
    const get = method === 'GET' || method === 'HEAD';
    if (url.pathname === '/' && get)
      return answerJson(response, 200, {
        name: 'Kontext reference miner',
        version: VERSION,
        endpoints: [
          '/health',
          '/edit',
          '/edit/status/{job_id}',
          '/edit/result/{job_id}',
          '/images/edits/{job_id}.png',
          '/jobs',
          '/openapi.json',
          '/reference/activity',
        ],
      });
    if (url.pathname === '/health' && get) return answerJson(response, 200, health());
    if (url.pathname === '/openapi.json' && get) return answerJson(response, 200, openApiDocument(VERSION, rules, faults));
    if (url.pathname === '/reference/activity' && get) return answerJson(response, 200, activity.report());
    if (url.pathname === '/jobs' && get) return answerJson(response, 200, jobListing(url.searchParams.get('job_type')));
    if (url.pathname === '/edit')
      return method === 'POST' ? submit(request, response) : answerJson(response, 405, { detail: 'Method Not Allowed' });
    if (first === 'edit' && second === 'status' && third && get) return status(decodeURIComponent(third), response);
    if (first === 'edit' && second === 'result' && third && get) return result(decodeURIComponent(third), response, true);
    if (first === 'images' && second === 'edits' && third?.endsWith('.png') && get)
      return result(decodeURIComponent(third.slice(0, -4)), response, false);
    return answerJson(response, 404, { detail: 'Not Found' });
  };
}
