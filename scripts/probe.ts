// `npm run probe`: the hostile probe (packages/testing/src/hostile-probe.ts) against a running
// system (`npm start`, or the URLs in ORDER_SERVICE_URL, PAYMENT_SERVICE_URL,
// NOTIFICATION_SERVICE_URL): odd bytes to every operation of the three /openapi.json documents,
// without a token and with SERVICE and SUPPORT tokens (AUTH_TOKEN_SECRET, or the development
// secret). Imports one order first so paths reach a real one. Prints the figures as JSON and
// exits 1 when any answer was a 5xx. Bounded: at most PROBE_MAX_REQUESTS (20 000) per service.

import { randomUUID } from 'node:crypto';
import { authSettingsFromEnv, mintAccessToken } from '../packages/service-kit/src/auth.ts';
import { probeService, type OpenApiDocument } from '../packages/testing/src/hostile-probe.ts';

const services = {
  orders: process.env.ORDER_SERVICE_URL ?? 'http://127.0.0.1:3001',
  payments: process.env.PAYMENT_SERVICE_URL ?? 'http://127.0.0.1:3002',
  notifications: process.env.NOTIFICATION_SERVICE_URL ?? 'http://127.0.0.1:3003',
};
for (const url of Object.values(services)) {
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(url)) {
    process.stderr.write(`probe: ${url} is not a loopback address; the probe only targets this machine\n`);
    process.exit(2);
  }
}

const settings = authSettingsFromEnv();
const tokens = [
  await mintAccessToken(settings, { role: 'SERVICE', subject: 'probe' }),
  await mintAccessToken(settings, { role: 'SUPPORT', subject: 'probe' }),
];
const imported = await fetch(`${services.orders}/orders`, {
  method: 'POST',
  headers: { authorization: `Bearer ${tokens[0]}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    channel: 'webshop',
    channelOrderNo: `PROBE-${randomUUID().slice(0, 8)}`,
    merchantId: 'probe-merchant',
    currency: 'EUR',
    customer: { email: 'probe@example.com', name: 'Probe' },
    lines: [{ sku: 'PROBE', quantity: 2, unitPrice: 1000 }],
    payments: [{ method: 'CARD', amount: 2000, reference: `pi_probe_${randomUUID().slice(0, 8)}` }],
  }),
});
if (imported.status !== 201) {
  process.stderr.write(`probe: importing an order answered ${imported.status}: is the system running (npm start)?\n`);
  process.exit(2);
}
const order = (await imported.json()) as { id: string };
const ids = { orders: order.id, orderId: order.id };

const figures: Record<string, unknown> = {};
let serverErrors = 0;
for (const [name, baseUrl] of Object.entries(services)) {
  const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
  const result = await probeService({ baseUrl, document, ids, tokens, maxRequests: Number(process.env.PROBE_MAX_REQUESTS ?? 20_000) });
  serverErrors += result.serverErrors.length;
  figures[name] = {
    requests: result.requests,
    byStatus: result.byStatus,
    serverErrors: result.serverErrors,
    acceptedOddInputs: result.accepted.length,
  };
}
process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), serverErrors, services: figures }, null, 2)}\n`);
process.exit(serverErrors > 0 ? 1 : 0);
