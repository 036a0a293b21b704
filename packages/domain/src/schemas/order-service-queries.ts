import { z } from 'zod';

/** GET /sandbox/channel-messages and /sandbox/inventory-movements: what one order caused. */
export const sandboxRecordsQuerySchema = z.object({
  orderId: z.uuid({ error: 'orderId is required and must be the id (uuid) of an order' }),
});
export type SandboxRecordsQuery = z.infer<typeof sandboxRecordsQuerySchema>;
