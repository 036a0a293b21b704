import express, { Router, type Request, type Response } from 'express';
import {
  BULK_CANCELLATION_RESULT_COLUMNS,
  bulkCancellationBodySchema,
  bulkCancellationControlSchema,
  bulkCancellationCsvQuerySchema,
  bulkCancellationFileSchema,
  bulkCancellationDryRunSchema,
  bulkCancellationPageSchema,
  bulkCancellationResultCsvSchema,
  ConflictError,
  ForbiddenError,
  isUuid,
  listBulkCancellationsQuerySchema,
  NotFoundError,
  startBulkCancellationSchema,
  ValidationError,
  type BulkCancellationBody,
  type BulkCancellationPage,
  type BulkCancellationProcessState,
} from '@cancelflow/domain';
import { describe, merchantFilter, parse, principalOf, type Owner, type Role, type RouteDoc } from '@cancelflow/service-kit';
import {
  bulkCancellationStateQuery,
  pauseBulkCancellationUpdate,
  resumeBulkCancellationUpdate,
  stopBulkCancellationUpdate,
} from '@cancelflow/workflows/contracts/bulk-cancellation';
import {
  bulkCancellationView,
  dryRunBulkCancellation,
  progressOf,
  progressOfJobs,
  startBulkCancellation,
  type BulkCancellationRequest,
} from '../bulk-cancellations/bulk-cancellation.ts';
import { BulkCancellation, BulkCancellationItem, Cancellation, Order } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';
import { liveState, updateProcess } from '../temporal/gateway.ts';

/** The merchant's staff start and steer their jobs; support may, naming the merchant. */
const STAFF: readonly Role[] = ['MERCHANT', 'SUPPORT'];

const CSV_BODY = 'text/csv';

/**
 * Bulk cancellation jobs: a dry run, the start (a SKU, or a file of rows as text/csv or as the
 * JSON field csv), the job's progress, pause, resume and stop, and its result as CSV.
 */
export function bulkCancellationsRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owner: Owner = {
    what: 'bulk cancellation',
    at: { param: 'id' },
    merchantOf: async (id) => {
      if (!isUuid(id)) return undefined;
      const rows = await deps.db.em
        .fork()
        .execute<{ merchant_id: string }[]>(`select "merchant_id" from "orders"."bulk_cancellation" where "id" = ?`, [id.toLowerCase()]);
      return rows[0]?.merchant_id;
    },
  };
  // A file comes as text/csv; read after the access check, so nobody unauthenticated makes it read a body.
  const csvBody = express.text({ type: CSV_BODY, limit: '1mb' });

  const findJob = async (id: string | undefined): Promise<BulkCancellation> => {
    const jobId = assertId(id, 'bulk cancellation');
    const job = await deps.db.em.fork().findOne(BulkCancellation, { id: jobId });
    if (!job) throw new NotFoundError(`no bulk cancellation ${jobId}`);
    return job;
  };

  const body = async (job: BulkCancellation, live?: BulkCancellationProcessState): Promise<BulkCancellationBody> => {
    const progress = await progressOf(deps.db.em.fork(), job);
    const state = live ?? (await liveState(deps, job.workflowId, bulkCancellationStateQuery));
    return { ...bulkCancellationView(job, progress), ...(state ? { live: state } : {}) };
  };

  const startDoc: Pick<RouteDoc, 'tags' | 'access' | 'body' | 'bodyAs' | 'query'> = {
    tags: ['bulk cancellations'],
    access: { roles: STAFF, actsFor: { body: 'merchantId' } },
    body: startBulkCancellationSchema,
    bodyAs: { [CSV_BODY]: bulkCancellationFileSchema },
    // Read only with a text/csv body: JSON carries these in the body.
    query: bulkCancellationCsvQuerySchema,
  };
  const fileText =
    'Send JSON ({ sku, reason } for every open unit of a SKU across the open orders, or { csv } with the text of a file), ' +
    'or the file itself as Content-Type: text/csv with jobId, merchantId, refundMethod and restock in the query string. ' +
    'The file has a header row and columns channelOrderNo, sku, quantity, reason (and channel where an order number is on two channels); ' +
    'every bad row is refused with its line number (400), and nothing starts.';

  router.post(
    '/bulk-cancellations/dry-run',
    describe({
      ...startDoc,
      summary: 'What a bulk cancellation would cancel and refund, order by order (nothing is written)',
      description: fileText,
      responses: { 200: { description: 'the orders and what would happen to each', schema: bulkCancellationDryRunSchema } },
    }),
    csvBody,
    async (req, res) => {
      const { merchantId, request } = requestOf(req, res);
      res.json(await dryRunBulkCancellation(deps, merchantId, request));
    },
  );

  router.post(
    '/bulk-cancellations',
    describe({
      ...startDoc,
      summary: 'Start a bulk cancellation job: each order through the normal cancellation, with its channel’s rules',
      description: `${fileText} The same jobId again is the same job: it is never started twice.`,
      responses: {
        202: { description: 'the job, started', schema: bulkCancellationBodySchema },
        200: { description: 'the job started before with this jobId and the same request', schema: bulkCancellationBodySchema },
        409: 'the jobId is used by another job',
        422: 'no open order has the SKU open',
      },
    }),
    csvBody,
    async (req, res) => {
      const { merchantId, request } = requestOf(req, res);
      const { created, job } = await startBulkCancellation(deps, merchantId, request, principalOf(res).subject);
      res
        .status(created ? 202 : 200)
        .location(`/bulk-cancellations/${job.id}`)
        .json(await body(job));
    },
  );

  router.get(
    '/bulk-cancellations',
    describe({
      summary: "The merchant's bulk cancellation jobs, newest first (filter by status or SKU)",
      tags: ['bulk cancellations'],
      access: { roles: STAFF, list: true },
      query: listBulkCancellationsQuerySchema,
      responses: { 200: { description: 'a page of jobs with their progress', schema: bulkCancellationPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listBulkCancellationsQuerySchema, req.query, 'query');
      const scope = merchantFilter(principalOf(res), query.merchantId);
      const page = { limit: query.limit, offset: query.offset };
      if (scope === null) return void res.json({ items: [], total: 0, ...page } satisfies BulkCancellationPage);
      const em = deps.db.em.fork();
      const [jobs, total] = await em.findAndCount(
        BulkCancellation,
        {
          ...(scope ? { merchantId: scope } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.sku ? { sku: query.sku } : {}),
        },
        { orderBy: { createdAt: 'desc', id: 'asc' }, ...page },
      );
      const progress = await progressOfJobs(em, jobs);
      res.json({
        items: jobs.map((job) => bulkCancellationView(job, progress.get(job.id)!)),
        total,
        ...page,
      } satisfies BulkCancellationPage);
    },
  );

  router.get(
    '/bulk-cancellations/:id',
    describe({
      summary: 'A bulk cancellation job: its status and progress (cancelled, refused, skipped, failed)',
      tags: ['bulk cancellations'],
      access: { roles: STAFF, owner },
      responses: { 200: { description: 'the job', schema: bulkCancellationBodySchema }, 404: 'no such job' },
    }),
    async (req, res) => {
      res.json(await body(await findJob(req.params.id)));
    },
  );

  const control = (action: 'pause' | 'resume' | 'stop', summary: string) => {
    const update = { pause: pauseBulkCancellationUpdate, resume: resumeBulkCancellationUpdate, stop: stopBulkCancellationUpdate }[action];
    router.post(
      `/bulk-cancellations/:id/${action}`,
      describe({
        summary,
        tags: ['bulk cancellations'],
        access: { roles: STAFF, owner },
        body: bulkCancellationControlSchema,
        responses: {
          200: { description: 'the job, as it is now', schema: bulkCancellationBodySchema },
          404: 'no such job',
          409: 'the job has ended, or is stopping',
        },
      }),
      async (req, res) => {
        const job = await findJob(req.params.id);
        const input = parse(bulkCancellationControlSchema, req.body ?? {});
        const staffId = input.staffId ?? principalOf(res).subject;
        if (job.status === 'STOPPED' || job.status === 'COMPLETED') {
          throw new ConflictError(`the job is ${job.status}: there is nothing left to ${action}`);
        }
        const state = await updateProcess(deps, job.workflowId, update, [{ staffId }], {
          process: 'the job',
          ended: `the job has ended: there is nothing left to ${action}`,
          refused: `the job cannot ${action}`,
        });
        res.json(await body((await deps.db.em.fork().findOne(BulkCancellation, { id: job.id }))!, state));
      },
    );
  };
  control('pause', 'Pause a bulk cancellation: the orders under way finish, no new one starts');
  control('resume', 'Resume a paused bulk cancellation');
  control('stop', 'Stop a bulk cancellation for good: the orders under way finish, the rest are left as they are');

  router.get(
    '/bulk-cancellations/:id/result',
    describe({
      summary: 'The result of a bulk cancellation, one CSV row per order',
      tags: ['bulk cancellations'],
      access: { roles: STAFF, owner },
      responses: {
        200: { description: 'the result as CSV', schema: bulkCancellationResultCsvSchema, contentType: 'text/csv' },
        404: 'no such job',
      },
    }),
    async (req, res) => {
      const job = await findJob(req.params.id);
      const em = deps.db.em.fork();
      const items = await em.find(BulkCancellationItem, { bulkCancellationId: job.id }, { orderBy: { itemNo: 'asc' } });
      const orders = new Map<string, Order>();
      const cancellations = new Map<string, Cancellation>();
      for (let i = 0; i < items.length; i += 500) {
        const part = items.slice(i, i + 500);
        for (const o of await em.find(Order, { id: { $in: [...new Set(part.map((p) => p.orderId))] } })) orders.set(o.id, o);
        const made = part.flatMap((p) => (p.cancellationId ? [p.cancellationId] : []));
        if (made.length > 0) for (const c of await em.find(Cancellation, { id: { $in: made } })) cancellations.set(c.id, c);
      }
      const rows = items.map((item) => {
        const order = orders.get(item.orderId)!;
        const cancellation = item.cancellationId ? cancellations.get(item.cancellationId) : undefined;
        return [
          item.itemNo,
          order.channel,
          order.channelOrderNo,
          item.sku,
          item.quantity ?? '',
          item.reason,
          item.outcome ?? 'NOT_RUN',
          item.cancelledQuantity,
          item.cancellationId ?? '',
          cancellation?.status ?? '',
          cancellation ? cancellation.amount : '',
          order.currency,
          item.detail ?? '',
        ];
      });
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .attachment(`bulk-cancellation-${job.id}.csv`)
        .send(`${[[...BULK_CANCELLATION_RESULT_COLUMNS], ...rows].map(csvLine).join('\r\n')}\r\n`);
    },
  );

  return router;
}

/** The merchant a request acts for and what it asks: a JSON body, or a file with the options in the query. */
function requestOf(req: Request, res: Response): { merchantId: string; request: BulkCancellationRequest } {
  const principal = principalOf(res);
  let request: BulkCancellationRequest;
  let named: string | undefined;
  if (req.is(CSV_BODY)) {
    const query = parse(bulkCancellationCsvQuerySchema, req.query, 'query');
    if (typeof req.body !== 'string' || req.body.trim() === '') {
      throw new ValidationError('the text/csv body is empty: send the file, a header row and one row per order and SKU', [
        { path: 'csv', message: 'is required' },
      ]);
    }
    const { merchantId, ...options } = query;
    named = merchantId;
    request = { ...options, csv: req.body };
  } else {
    const { merchantId, ...options } = parse(startBulkCancellationSchema, req.body);
    named = merchantId;
    request = options;
  }
  if (principal.merchantId !== undefined) {
    if (named !== undefined && named !== principal.merchantId) {
      throw new ForbiddenError(`this token acts for merchant ${principal.merchantId} only, not for ${named}`);
    }
    return { merchantId: principal.merchantId, request };
  }
  if (named === undefined) {
    throw new ValidationError('merchantId: support names the merchant whose orders the job cancels', [
      { path: 'merchantId', message: 'is required' },
    ]);
  }
  return { merchantId: named, request };
}

/** One CSV line: a field with a comma, a quote or a line break is quoted, its quotes doubled; a leading =, +, - or @ is defused for spreadsheets. */
function csvLine(fields: readonly (string | number)[]): string {
  return fields
    .map((field) => {
      let text = String(field);
      if (typeof field === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(',');
}
