import { z } from 'zod';

// The original Python suite's callback receiver lists what it got at GET /callbacks; the suite's receiver keeps the shape.

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
