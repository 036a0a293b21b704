import { z } from 'zod';
import { uuidSchema } from './common.ts';

/** GET /sandbox/channel-messages and /sandbox/inventory-movements: what one order caused. */
export const sandboxRecordsQuerySchema = z.object({
  orderId: uuidSchema('orderId'),
});
export type SandboxRecordsQuery = z.infer<typeof sandboxRecordsQuerySchema>;
