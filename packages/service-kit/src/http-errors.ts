import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, NotFoundError, ValidationError, type DomainErrorCode } from '@cancelflow/domain';
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

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFoundError(`no route ${req.method} ${req.path}`);
};

export function errorMapper(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const domain = toDomainError(err);
    if (domain) {
      const body: ErrorBody = { error: { code: domain.code, message: domain.message } };
      if (domain.details.length > 0) body.error.details = domain.details;
      res.status(httpStatusOf(domain)).json(body);
      return;
    }
    logger.error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged' } });
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

/** Errors that do not come from our code but still mean "your request is wrong". */
function toDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (isBodyParserError(err)) {
    if (err.type === 'entity.parse.failed') {
      // The strict JSON parser refuses null, numbers and strings too: those are JSON, but not an object.
      return new ValidationError(isJson(err.body) ? 'the request body must be a JSON object' : 'the request body is not valid JSON');
    }
    if (err.type === 'entity.too.large') return new ValidationError('the request body is too large');
    return new ValidationError(err.message);
  }
  return undefined;
}

function isBodyParserError(err: unknown): err is { type: string; message: string; status: number; body?: unknown } {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err &&
    typeof (err as { status: unknown }).status === 'number' && (err as { status: number }).status < 500;
}
