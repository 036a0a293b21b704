import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, NotFoundError, type DomainErrorCode } from '@cancelflow/domain';
import type { Logger } from 'pino';

/** The one place a domain error becomes an HTTP status. */
const STATUS_OF: Readonly<Record<DomainErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RULE_VIOLATED: 422,
  UNAVAILABLE: 503,
};

export const httpStatusOf = (error: DomainError): number => STATUS_OF[error.code];

export interface ErrorBody {
  error: { code: string; message: string; details?: { path?: string; message: string }[] };
}

/**
 * A refusal that is about the HTTP request itself rather than the business (an unreadable or
 * too large body, an unsupported encoding, too many requests): it carries its own status.
 */
export class HttpClientError extends Error {
  override name = 'HttpClientError';
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFoundError(`no route ${req.method} ${req.path}`);
};

/**
 * Every error a request ends in becomes one answer here. Ours (DomainError, HttpClientError) keep
 * their status; anything else that says it is the client's fault (a status below 500: express's
 * URIError for `/orders/%ZZ`, body-parser's errors, http-errors) is a 4xx with a message a person
 * can act on; only the rest is a 500, logged.
 */
export function errorMapper(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const refusal = toRefusal(err);
    if (refusal) {
      const body: ErrorBody = { error: { code: refusal.code, message: refusal.message } };
      if (refusal.details && refusal.details.length > 0) body.error.details = refusal.details;
      if (res.headersSent) {
        res.end();
        return;
      }
      res.status(refusal.status).json(body);
      return;
    }
    logger.error({ err }, 'unhandled error');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(500).json({ error: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged' } });
  };
}

interface Refusal {
  status: number;
  code: string;
  message: string;
  details?: { path?: string; message: string }[];
}

const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  411: 'LENGTH_REQUIRED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'RULE_VIOLATED',
  429: 'RATE_LIMITED',
};

/** What the client did wrong, or undefined when the fault is ours. */
export function toRefusal(err: unknown): Refusal | undefined {
  if (err instanceof DomainError) return { status: httpStatusOf(err), code: err.code, message: err.message, details: err.details };
  if (err instanceof HttpClientError) return { status: err.status, code: err.code, message: err.message };
  const status = clientStatusOf(err);
  if (status === undefined) return undefined;
  const { type, code, message } = err as { type?: unknown; code?: unknown; message?: unknown };
  return {
    status,
    code: CODE_OF_STATUS[status] ?? 'BAD_REQUEST',
    message: clientMessage(
      status,
      typeof type === 'string' ? type : undefined,
      typeof code === 'string' ? code : undefined,
      typeof message === 'string' ? message : '',
      err,
    ),
  };
}

const isJson = (raw: unknown): boolean => {
  if (typeof raw !== 'string') return false;
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
};

/** The 4xx an error from express, body-parser or http-errors carries (status or statusCode), if any. */
function clientStatusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  return value !== undefined && Number.isInteger(value) && value >= 400 && value < 500 ? value : undefined;
}

function clientMessage(status: number, type: string | undefined, code: string | undefined, message: string, err: unknown): string {
  switch (type) {
    case 'entity.parse.failed':
      // The strict JSON parser refuses null, numbers and strings too: those are JSON, but not an object.
      return isJson((err as { body?: unknown }).body) ? 'the request body must be a JSON object' : 'the request body is not valid JSON';
    case 'entity.too.large': {
      const limit = (err as { limit?: unknown }).limit;
      return `the request body is too large${typeof limit === 'number' ? ` (at most ${limit} bytes)` : ''}: send less per request`;
    }
    case 'encoding.unsupported':
      return `${message}: send the body uncompressed, or with Content-Encoding gzip, deflate or br`;
    case 'charset.unsupported':
      return `${message}: send JSON in UTF-8`;
    case 'request.aborted':
      return 'the request was aborted before its body arrived';
    case 'request.size.invalid':
      return 'the request body is shorter or longer than its Content-Length says';
    default:
  }
  // zlib's errors, wrapped by body-parser: the body is not what its Content-Encoding says.
  if (code?.startsWith('Z_')) {
    return 'the request body cannot be decompressed: it is not what its Content-Encoding header says (send it uncompressed, or compressed as declared)';
  }
  if (err instanceof URIError) {
    return 'the request path has malformed percent-encoding (a % must be followed by two hex digits): encode the id with encodeURIComponent';
  }
  if (status === 413) return 'the request is too large: send less per request';
  return message || 'the request cannot be understood';
}
