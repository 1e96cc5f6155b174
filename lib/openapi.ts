import { OpenApiSchema } from '../protocol/service.ts';

/**
 * The fields of the edit request a miner declares in its /openapi.json (FastAPI serves one): the schema
 * with both `prompt` and `seed`. Undefined when the document is missing, unreadable or names no such schema.
 */
export function editRequestFieldsOf(document: unknown): string[] | undefined {
  const parsed = OpenApiSchema.safeParse(document);
  if (!parsed.success) return undefined;
  const schemas = Object.values(parsed.data.components?.schemas ?? {});
  const editRequest = schemas.find((s) => s.properties && 'prompt' in s.properties && 'seed' in s.properties);
  return editRequest?.properties ? Object.keys(editRequest.properties) : undefined;
}
