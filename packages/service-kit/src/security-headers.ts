import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The security headers of every CancelFlow answer, APIs and console alike (helmet): a CSP that
 * loads nothing from elsewhere (`default-src 'self'`) and lets no page frame ours
 * (`frame-ancestors 'none'`, and X-Frame-Options DENY for old browsers), nosniff, and
 * Referrer-Policy no-referrer, because the customer's page carries its token in its URL.
 * Images may be data: URIs (Swagger UI's and the console's icons); styles may be inline
 * (React's style attributes); scripts only from our own files. TLS is the reverse proxy's job,
 * so no upgrade-insecure-requests (it would break plain http on a private network).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
