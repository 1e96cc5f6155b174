import type { z } from 'zod';
import { EditRequestSchema, type EditRequest, type ParsedEditRequest } from '../protocol/edit-job.ts';
import type { RevisionRules } from './protocol-revision.ts';

/** The edit request as this miner declares and validates it: the protocol's, less the field its revision lacks. */
export function minerEditRequestSchema(rules: RevisionRules): z.ZodType<ParsedEditRequest, EditRequest> {
  if (rules.undeclaredField === 'image_url') return EditRequestSchema.omit({ image_url: true });
  if (rules.undeclaredField === 'reference_job_id') return EditRequestSchema.omit({ reference_job_id: true });
  return EditRequestSchema;
}
