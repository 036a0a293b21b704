/**
 * The ChannelEngine-compatible Merchant API v2, under /api/v2 of the order service: an
 * integration written for ChannelEngine changes its base URL and nothing else. It translates
 * ChannelEngine's words into the native use cases (acknowledge, cancel, ship, return) in this
 * process, so every rule is the native one; answers and errors are ChannelEngine's envelope.
 */
import { Router } from 'express';
import type { ServiceDeps } from '../deps.ts';
import { markMerchantApiRequest } from './api-keys.ts';
import { merchantApiCancellationsRouter } from './cancellations.ts';
import { merchantApiErrors, merchantApiNotFound } from './envelope.ts';
import { merchantApiOrdersRouter } from './orders.ts';
import { merchantApiReturnsRouter } from './returns.ts';
import { merchantApiShipmentsRouter } from './shipments.ts';

export function merchantApiRouter(deps: ServiceDeps): Router {
  const router = Router();
  // Only here does an API key stand for a caller (api-keys.ts).
  router.use('/api/v2', markMerchantApiRequest);
  router.use(merchantApiOrdersRouter(deps));
  router.use(merchantApiCancellationsRouter(deps));
  router.use(merchantApiShipmentsRouter(deps));
  router.use(merchantApiReturnsRouter(deps));
  router.use('/api/v2', merchantApiNotFound);
  router.use(merchantApiErrors(deps.logger));
  return router;
}
