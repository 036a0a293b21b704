// Component tests stand in for the services at the HTTP boundary: a fetch that answers like the
// order, payment and notification services do (their JSON shapes and error envelope). The real
// stack is exercised by the end-to-end tests in a browser.

import { render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AppRoutes, ConsoleProvider } from '../src/web/App.tsx';
import type { Cancellation, Eligibility, OrderDetail } from '../src/web/api/index.ts';
import { DEFAULT_CONFIG } from '../src/web/config.ts';
import type { Session } from '../src/web/session.ts';

export interface Call {
  method: string;
  url: URL;
  body: unknown;
  authorization: string | null;
}

type Handler = (call: Call, match: RegExpMatchArray) => { status?: number; body?: unknown } | undefined;

export class FakeServices {
  readonly calls: Call[] = [];
  private readonly routes: { method: string; pattern: RegExp; handler: Handler }[] = [];

  on(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.unshift({ method, pattern, handler });
    return this;
  }

  callsTo(method: string, pattern: RegExp): Call[] {
    return this.calls.filter((c) => c.method === method && pattern.test(c.url.pathname));
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input), 'http://console.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init?.headers);
    const call: Call = {
      method,
      url,
      body: typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined,
      authorization: headers.get('authorization'),
    };
    this.calls.push(call);
    for (const route of this.routes) {
      const match = route.method === method ? url.pathname.match(route.pattern) : null;
      if (!match) continue;
      const answer = route.handler(call, match);
      if (!answer) continue;
      return new Response(answer.body === undefined ? '' : JSON.stringify(answer.body), {
        status: answer.status ?? 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${method} ${url.pathname}` } }), {
      status: 404,
    });
  };
}

export const merchant: Session = { token: 'merchant.token.x', role: 'MERCHANT', merchantId: 'm-1', staffId: 'mia' };
export const support: Session = { token: 'support.token.x', role: 'SUPPORT', staffId: 'sam' };

export function renderConsole(path: string, services: FakeServices, session: Session | null = merchant) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <ConsoleProvider
        config={{ ...DEFAULT_CONFIG, temporalUiUrl: 'http://temporal.test' }}
        fetch={services.fetch}
        initialSession={session}
      >
        <AppRoutes />
      </ConsoleProvider>
    </MemoryRouter>,
  );
}

export function anOrder(overrides: Partial<OrderDetail> = {}): OrderDetail {
  return {
    id: 'order-1',
    merchantId: 'm-1',
    channel: 'webshop',
    channelOrderNo: 'WS-1001',
    integerId: 1001,
    status: 'IN_PROGRESS',
    acknowledged: true,
    thirdPartyManaged: false,
    selfServiceEnabled: true,
    cancellationRequested: false,
    currency: 'EUR',
    placedAt: '2026-11-20T10:00:00.000Z',
    customer: { email: 'ann@example.com', name: 'Ann' },
    total: 7000,
    money: { subtotal: 7000, discount: 0, discounts: [], shipping: { amount: 0, vatRate: 0, vat: 0 }, total: 7000, vat: 1215 },
    payments: [{ method: 'CARD', amount: 7000, reference: 'pi-1' }],
    lines: [
      {
        id: 'line-1',
        lineNo: 1,
        sku: 'MUG',
        quantity: 2,
        unitPrice: 1500,
        vatRate: 2100,
        discount: 0,
        shippedQuantity: 0,
        cancelledQuantity: 0,
        returnedQuantity: 0,
        openQuantity: 2,
      },
      {
        id: 'line-2',
        lineNo: 2,
        sku: 'PLATE',
        quantity: 1,
        unitPrice: 2000,
        vatRate: 2100,
        discount: 0,
        shippedQuantity: 0,
        cancelledQuantity: 0,
        returnedQuantity: 0,
        openQuantity: 1,
      },
      {
        id: 'line-3',
        lineNo: 3,
        sku: 'BOWL',
        quantity: 1,
        unitPrice: 2000,
        vatRate: 2100,
        discount: 0,
        shippedQuantity: 1,
        cancelledQuantity: 0,
        returnedQuantity: 0,
        openQuantity: 0,
      },
    ],
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    cancellations: [],
    timeline: [{ type: 'IMPORTED', detail: {}, actor: 'channel', at: '2026-11-20T10:00:00.000Z' }],
    shipments: [],
    cancelledButShipped: [],
    ...overrides,
  };
}

export function eligibilityOf(order: OrderDetail, wholeLineOnly = false): Eligibility {
  return {
    orderId: order.id,
    status: order.status,
    channel: order.channel,
    merchant: { allowed: true },
    customer: { allowed: true },
    lines: order.lines.map((l) => ({
      lineId: l.id,
      lineNo: l.lineNo,
      sku: l.sku,
      quantity: l.quantity,
      shippedQuantity: l.shippedQuantity,
      cancelledQuantity: l.cancelledQuantity,
      cancellableQuantity: l.openQuantity,
      wholeLineOnly,
      notCancellable: l.shippedQuantity > 0 ? [`${l.shippedQuantity} shipped: a return, not a cancellation`] : [],
    })),
  };
}

export function aCancellation(overrides: Partial<Cancellation> = {}): Cancellation {
  return {
    id: 'canc-1',
    orderId: 'order-1',
    merchantId: 'm-1',
    merchantCancellationNumber: 'MC-1',
    status: 'IN_PROGRESS',
    reason: 'OUT_OF_STOCK',
    initiator: 'MERCHANT',
    refundMethod: 'ORIGINAL_PAYMENT',
    restock: false,
    amount: 3000,
    vat: 521,
    shipping: { amount: 0, vat: 0 },
    currency: 'EUR',
    workflowId: 'cancellation-canc-1',
    createdAt: '2026-11-20T11:00:00.000Z',
    lines: [{ lineId: 'line-1', lineNo: 1, sku: 'MUG', quantity: 2, unitPrice: 1500, refund: 3000, vat: 521 }],
    steps: [{ step: 'RESERVED', actor: 'mia', at: '2026-11-20T11:00:00.000Z' }],
    ...overrides,
  };
}

/** The services' quiet defaults for the side panels of the order screen. */
export function withEmptySidePanels(services: FakeServices): FakeServices {
  return services
    .on('GET', /^\/api\/payments\/orders\/([^/]+)\/payments$/, (_c, m) => ({
      body: { orderId: m[1], payments: [], refunds: [], totals: { currency: 'EUR', charged: 0, refunded: 0, ledgerReturned: 0 } },
    }))
    .on('GET', /^\/api\/notifications\/emails$/, () => ({ body: { items: [], total: 0 } }));
}
