import { Router } from 'express';
import { describe } from '@cancelflow/service-kit';
import { SERVICE_AND_SUPPORT } from './owners.ts';
import type { OverdueWait } from '../waits/overdue-waits.ts';
import { overdueWaitListSchema, type OverdueWaitList } from '@cancelflow/domain';

/** Support's view of stuck work: what waits on the outside world longer than expected. */
export function overdueWaitsRouter(read: () => Promise<OverdueWait[]>): Router {
  const router = Router();

  router.get(
    '/overdue-waits',
    describe({
      summary: 'Refunds and payment requests waiting on the provider or the customer longer than expected, oldest first',
      tags: ['support'],
      access: { roles: SERVICE_AND_SUPPORT, acrossMerchants: true },
      responses: { 200: { description: 'the overdue waits', schema: overdueWaitListSchema } },
    }),
    async (_req, res) => {
      res.json({ waits: await read() } satisfies OverdueWaitList);
    },
  );

  return router;
}
