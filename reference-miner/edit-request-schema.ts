import { z } from 'zod';
import { EditRequestSchema, type EditRequest, type ParsedEditRequest } from '../protocol/edit-job.ts';
import type { Faults } from './faults.ts';
import type { RevisionRules } from './protocol-revision.ts';

const INT32_MAX = 2 ** 31 - 1;

/**
 * The edit request as this miner declares and validates it: the protocol's, less the field its
 * revision lacks, with the faults that change a field's rule (an int32 seed, open upper edges, another default).
 */
export function minerEditRequestSchema(rules: RevisionRules, faults: Faults): z.ZodType<ParsedEditRequest, EditRequest> {
  const { shape } = EditRequestSchema;
  const openEdges = faults.has('range-edges-refused');
  const schema = EditRequestSchema.extend({
    seed: faults.has('seed-above-int32-refused') ? shape.seed.max(INT32_MAX) : shape.seed,
    guidance_scale:
      openEdges || faults.has('defaults-differ')
        ? (openEdges ? z.number().min(1).lt(20) : z.number().min(1).max(20)).default(faults.has('defaults-differ') ? 3.5 : 2.5)
        : shape.guidance_scale,
    num_inference_steps: openEdges ? z.number().int().min(1).lt(100).default(28) : shape.num_inference_steps,
  });
  if (rules.undeclaredField === 'image_url') return schema.omit({ image_url: true });
  if (rules.undeclaredField === 'reference_job_id') return schema.omit({ reference_job_id: true });
  return schema;
}
