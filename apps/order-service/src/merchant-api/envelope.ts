/**
 * ChannelEngine's envelope, which every answer of the Merchant API carries: a page
 * `{Content, Count, TotalCount, ItemsPerPage, StatusCode, RequestId, Success, Message, ValidationErrors}`
 * or, for a command, `{StatusCode, RequestId, Success, Message, ValidationErrors}`; errors are the
 * same envelope with Success false, a Message that says why and ValidationErrors keyed by field.
 * Nothing else: ChannelEngine's clients refuse keys they do not know.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { DomainError, MERCHANT_API_PAGE_SIZE, NotFoundError, type ErrorDetail } from '@cancelflow/domain';
import type { z } from 'zod';
import { httpStatusOf } from '@cancelflow/service-kit';
import type { Logger } from '@cancelflow/service-kit';

const requestIdOf = (req: Request): string | null => (req.id === undefined ? null : String(req.id));

export function sendPage<T>(req: Request, res: Response, page: number, content: readonly T[], totalCount: number): void {
  res.status(200).json({
    Content: content,
    Count: content.length,
    TotalCount: totalCount,
    ItemsPerPage: MERCHANT_API_PAGE_SIZE,
    StatusCode: 200,
    RequestId: requestIdOf(req),
    Success: true,
    Message:
      page > 1 && content.length === 0 && totalCount > 0
        ? `page ${page} is past the last page (${Math.ceil(totalCount / MERCHANT_API_PAGE_SIZE)})`
        : null,
    ValidationErrors: {},
  });
}

export function sendDone(req: Request, res: Response, status: 200 | 201, message: string | null = null): void {
  res.status(status).json({ StatusCode: status, RequestId: requestIdOf(req), Success: true, Message: message, ValidationErrors: {} });
}

/** Details keyed by field; a detail without a field goes under the field the request names the thing by. */
export function validationErrorsOf(details: readonly ErrorDetail[], fallbackField = ''): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const detail of details) (errors[detail.path || fallbackField] ??= []).push(detail.message);
  return errors;
}

/**
 * A native error in the Merchant API's words: its field paths (lines.0.quantity) become the
 * request's (Lines[0].Quantity, through `lineOrigins`: which request line each native line came
 * from), native field names in the message become the request's, and an error about no field is
 * keyed by `subject` (MerchantOrderNo: the thing the request is about).
 */
export interface Translation {
  fields: Record<string, string>;
  lineOrigins?: readonly number[];
  subject: string;
}

/** An answer already in the Merchant API's words: its status, Message and ValidationErrors. */
export class MerchantApiError extends Error {
  readonly status: number;
  readonly validationErrors: Record<string, string[]>;
  constructor(status: number, message: string, validationErrors: Record<string, string[]>) {
    super(message);
    this.status = status;
    this.validationErrors = validationErrors;
  }
}

export function translated(error: unknown, translation: Translation): unknown {
  if (!(error instanceof DomainError)) return error;
  const path = (native: string | undefined): string => {
    if (!native) return translation.subject;
    // Native paths name a line as lines[0] (validation) or lines.0 (rules).
    const line = /^lines(?:\[(\d+)\]|\.(\d+))(?:\.(.+))?$/.exec(native);
    if (line) {
      const index = Number(line[1] ?? line[2]);
      const origin = translation.lineOrigins?.[index] ?? index;
      const field = line[3] ? (translation.fields[line[3]] ?? line[3]) : undefined;
      return `Lines[${origin}]${field ? `.${field}` : ''}`;
    }
    return translation.fields[native] ?? native;
  };
  let message = error.message;
  for (const [native, ours] of Object.entries(translation.fields)) message = message.replaceAll(native, ours);
  const details = error.details.length > 0 ? error.details : [{ message: error.message }];
  const errors: Record<string, string[]> = {};
  for (const d of details) (errors[path(d.path)] ??= []).push(replaceAll(d.message, translation.fields));
  return new MerchantApiError(httpStatusOf(error), message, errors);
}

const replaceAll = (text: string, fields: Record<string, string>) => Object.entries(fields).reduce((t, [a, b]) => t.replaceAll(a, b), text);

/** Runs a step whose native errors are answered in the request's words. */
export async function inWordsOf<T>(translation: Translation, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw translated(error, translation);
  }
}

export const merchantApiNotFound: RequestHandler = (req) => {
  throw new NotFoundError(`the Merchant API has no ${req.method} ${req.originalUrl.split('?')[0]}`);
};

/** Every error of the Merchant API in ChannelEngine's envelope (401 for a missing or unknown key included). */
export function merchantApiErrors(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const answer = (status: number, message: string, validationErrors: Record<string, string[]>) =>
      res
        .status(status)
        .json({ StatusCode: status, RequestId: requestIdOf(req), Success: false, Message: message, ValidationErrors: validationErrors });
    if (err instanceof MerchantApiError) return void answer(err.status, err.message, err.validationErrors);
    if (err instanceof DomainError) return void answer(httpStatusOf(err), err.message, validationErrorsOf(err.details));
    if (isBodyParserError(err)) {
      const message =
        err.type === 'entity.parse.failed'
          ? 'the request body is not valid JSON'
          : err.type === 'entity.too.large'
            ? 'the request body is too large'
            : err.message;
      return void answer(400, message, {});
    }
    logger.error({ err }, 'unhandled error in the Merchant API');
    answer(500, 'something went wrong on our side; it has been logged', {});
  };
}

function isBodyParserError(err: unknown): err is { type: string; message: string; status: number } {
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    'status' in err &&
    typeof (err as { status: unknown }).status === 'number' &&
    (err as { status: number }).status < 500
  );
}

/** Parses a Merchant API body or query; a failure is keyed by ChannelEngine's paths (Lines[0].Quantity). */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, what = 'the request body'): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const errors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.reduce<string>(
      (p, part) => (typeof part === 'number' ? `${p}[${part}]` : p ? `${p}.${String(part)}` : String(part)),
      '',
    );
    (errors[key] ??= []).push(issue.message);
  }
  const [first] = Object.entries(errors);
  throw new MerchantApiError(
    400,
    `${what} is invalid: ${first ? `${first[0] ? `${first[0]}: ` : ''}${first[1][0]}` : 'not what this call takes'}`,
    errors,
  );
}
