/**
 * No input ever yields a 5xx: the hostile probe (hostile-probe.ts) sends odd bytes to every
 * operation of the three services' OpenAPI documents, without a token and with SERVICE and
 * SUPPORT tokens (which pass authorisation, so the odd input reaches validation and the database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeService, type OpenApiDocument, type ProbeResult } from '@cancelflow/testing/hostile-probe';
import { importOrder, orderInput, unique, serviceToken, supportToken } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '../src/system.ts';

let system: RunningSystem;
let ids: Record<string, string>;
let tokens: string[];
let examples: Record<string, unknown>;

beforeAll(async () => {
  system = await startSystem();
  const order = await importOrder(system.orders, { merchantId: unique('m-probed') });
  ids = { orders: order.id, orderId: order.id };
  const line = order.lines[0]!.id;
  examples = {
    'POST /orders': orderInput({ merchantId: unique('m-probed') }),
    'POST /orders/{id}/cancellations': {
      lines: [{ lineId: line, quantity: 1 }],
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: unique('C'),
      comment: 'probe',
      refundMethod: 'ORIGINAL_PAYMENT',
      restock: true,
    },
    'POST /orders/{id}/cancellation-requests': { lines: [{ lineId: line, quantity: 1 }], reason: 'CUSTOMER_REQUEST', comment: 'probe' },
    'POST /orders/{id}/shipments': {
      lines: [{ lineId: line, quantity: 1 }],
      carrier: 'DHL',
      trackingNumber: unique('JJD'),
      shipmentNumber: unique('S'),
    },
    'POST /orders/{id}/returns': { lines: [{ lineId: line, quantity: 1 }], reason: 'OTHER', comment: 'probe' },
    'POST /payments': { orderId: order.id, method: 'CARD', amount: 100, currency: 'EUR', reference: unique('pi') },
    'POST /provider-events': { eventId: unique('evt'), type: 'refund.settled', providerRefundId: unique('re') },
    'POST /sandbox/faults': { orderId: order.id, operation: 'refund', mode: 'FAIL', failureReason: 'probe' },
  };
  tokens = [await serviceToken(), await supportToken()];
});
afterAll(async () => {
  await system?.close();
});

const document = async (baseUrl: string) => (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;

describe('a hostile probe of every operation finds no input that yields a 5xx', () => {
  for (const service of ['orders', 'payments', 'notifications'] as const) {
    it(`the ${service} service answers every odd input with a 4xx (or a 2xx), never a 5xx`, async () => {
      const api = system[service];
      const result: ProbeResult = await probeService({
        baseUrl: api.baseUrl,
        document: await document(api.baseUrl),
        ids,
        tokens,
        examples,
      });
      expect(result.requests).toBeGreaterThan(300);
      expect(result.serverErrors, JSON.stringify(result.byStatus)).toEqual([]);
    }, 300_000);
  }
});
