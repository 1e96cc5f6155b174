import { z } from 'zod';
import { minerEditRequestSchema } from './edit-request-schema.ts';
import type { Faults } from './faults.ts';
import type { RevisionRules } from './protocol-revision.ts';

/** A minimal OpenAPI document, as FastAPI serves one: clients read the edit request's fields from it. */
export function openApiDocument(version: string, rules: RevisionRules, faults: Faults): unknown {
  return {
    openapi: '3.1.0',
    info: { title: 'Kontext reference miner', version },
    paths: {
      '/edit': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/EditRequest' } } } } } },
      '/edit/status/{job_id}': { get: {} },
      '/edit/result/{job_id}': { get: {} },
      '/health': { get: {} },
    },
    components: { schemas: { EditRequest: z.toJSONSchema(minerEditRequestSchema(rules, faults), { io: 'input' }) } },
  };
}
