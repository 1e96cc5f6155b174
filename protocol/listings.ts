import { z } from 'zod';
import { JobRecordSchema } from './edit-job.ts';

// The listings: the miner's GET /jobs, and the original Python suite's callback receiver's GET /callbacks, whose
// shape the suite's own receiver keeps.

/**
 * GET /jobs (later revisions): `{ edit_jobs, inference_jobs }`, or only the kind `?job_type=edit|inference` names.
 * Inference records are another protocol's; they are listed, not read.
 */
export const JobListingSchema = z.looseObject({
  edit_jobs: z.array(JobRecordSchema).optional(),
  inference_jobs: z.array(z.unknown()).optional(),
});
export type JobListing = z.infer<typeof JobListingSchema>;

/** GET /callbacks of the original Python suite's receiver (and of ours). */
export const CallbackListingSchema = z.looseObject({
  callbacks: z.array(
    z.looseObject({
      job_id: z.string().nullish(),
      status: z.string().nullish(),
      completed_at: z.string().nullish(),
      received_at: z.string(),
      image_url: z.string().nullish(),
      provided_secret: z.string().nullish(),
      has_image: z.boolean(),
      error: z.string().nullish(),
      image_size: z.number().int().nullish(),
      saved_path: z.string().nullish(),
    }),
  ),
});
export type CallbackListing = z.infer<typeof CallbackListingSchema>;
export type CallbackListingEntry = CallbackListing['callbacks'][number];
