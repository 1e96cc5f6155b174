import { z } from 'zod';

// How a FastAPI miner refuses a request: the bodies of its 4xx and 503 answers.

/** FastAPI's 422: `loc` is stable across pydantic versions, `msg` and `type` wording is not. */
export const ValidationErrorSchema = z.looseObject({
  detail: z
    .array(
      z.looseObject({
        loc: z.array(z.union([z.string(), z.number()])),
        msg: z.string(),
        type: z.string(),
      }),
    )
    .min(1),
});
export type ValidationError = z.infer<typeof ValidationErrorSchema>;

/** FastAPI's HTTPException body: 400, 404, 409, 503. */
export const HttpErrorSchema = z.looseObject({ detail: z.string().min(1) });
