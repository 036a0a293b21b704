// Import boundaries, checked by `npm test` (scripts/lint.ts). Paths are the real files: workspace
// packages resolve through node_modules symlinks to packages/* and apps/*.
const WORKFLOW_CODE = '^apps/workflows/src/(?!(worker|main|bundle)\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'http-only-from-http',
      comment:
        'The HTTP layer sits on top: use cases, activities and adapters never import from http/. ' +
        'Only the composition root (server.ts, service.ts, main.ts) and http/ itself may.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/src/', pathNot: ['^apps/[^/]+/src/http/', '^apps/[^/]+/src/(server|service|main)\\.ts$'] },
      to: { path: '(^|/)apps/[^/]+/src/http/' },
    },
    {
      name: 'order-service-temporal-through-the-gateway',
      comment:
        "The order service's routes and use cases reach their processes only through temporal/gateway.ts, " +
        'where the deadline, the already-running start and the mapping of Temporal failures are written once.',
      severity: 'error',
      from: { path: '^apps/order-service/src/(http|cancellations|requests|undo|orders|shipments|returns|self-service|merchant-api)/' },
      to: { path: '(^|/)node_modules/@temporalio/(client|common)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'payment-refunds-import-no-undo',
      comment:
        'What moved on an order is counted once, in money/: refunds never reach into undo/ (an undo stops ' +
        'and recaptures refunds, not the other way round).',
      severity: 'error',
      from: { path: '^apps/payment-service/src/(refunds|money)/' },
      to: { path: '(^|/)apps/payment-service/src/undo/' },
    },
    {
      name: 'packages-import-no-apps',
      comment: 'packages/ hold what apps use; they never reach up into an app.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '(^|/)apps/[^/]+/src/' },
    },
    {
      name: 'workflow-code-is-deterministic',
      comment:
        'Workflow code runs in the sandbox and replays: it imports only @temporalio/workflow (and ' +
        "common's types), the process contracts and other workflow files, and the pure domain rules.",
      severity: 'error',
      from: { path: WORKFLOW_CODE },
      to: {
        pathNot: [
          '(^|/)apps/workflows/src/',
          '(^|/)packages/domain/src/',
          '(^|/)node_modules/@temporalio/(workflow|common)/',
          '(^|/)node_modules/zod/',
        ],
      },
    },
    {
      name: 'domain-is-pure',
      comment: 'Domain rules are pure (workflows replay them): no I/O, no framework, only zod.',
      severity: 'error',
      from: { path: '^packages/domain/src/' },
      to: { pathNot: ['(^|/)packages/domain/src/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)node_modules/\\.vite'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
    },
  },
};
