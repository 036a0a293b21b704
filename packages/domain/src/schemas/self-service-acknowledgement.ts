import { z } from 'zod';

/**
 * POST /self-service/cancelled-but-shipped/:id/acknowledgement (signed self-service link): the
 * customer answers a cancelled-but-shipped process themselves. `statement` is the customer's own
 * words; it becomes the evidence of the acknowledgement, as support's record does.
 */
export const selfServiceAcknowledgementSchema = z
  .object({
    accepted: z.boolean({
      error: 'accepted must be true (you keep the item and accept to be charged again) or false (you refuse it and send it back)',
    }),
    statement: z
      .string({ error: 'statement is required: say in your own words whether you keep the item and accept the new charge' })
      .trim()
      .min(3, 'statement is required: say in your own words whether you keep the item and accept the new charge')
      .max(5000, 'statement can be at most 5000 characters'),
  })
  .strict();
export type SelfServiceAcknowledgementInput = z.infer<typeof selfServiceAcknowledgementSchema>;
