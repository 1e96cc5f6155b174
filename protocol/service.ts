import { z } from 'zod';

// What a miner says of itself: GET /health and the part of /openapi.json the suite reads.

export const KontextEditStateSchema = z.enum(['disabled', 'lazy_load_enabled', 'loaded']);

export const HealthSchema = z.looseObject({
  status: z.string(),
  timestamp: z.string().optional(),
  services: z.looseObject({
    kontext_edit: KontextEditStateSchema,
  }),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type Health = z.infer<typeof HealthSchema>;

/** Just enough of /openapi.json to read which fields a miner's edit request accepts. */
export const OpenApiSchema = z.looseObject({
  openapi: z.string().optional(),
  components: z
    .looseObject({
      schemas: z.record(z.string(), z.looseObject({ properties: z.record(z.string(), z.unknown()).optional() })),
    })
    .optional(),
});
export type OpenApi = z.infer<typeof OpenApiSchema>;
