import { ValidationError } from '@cancelflow/domain';
import type { z } from 'zod';

/** Parses input with a zod schema; a failure names every field that is wrong and why. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // express.json leaves the body undefined when it is not JSON (another or no Content-Type).
  if (input === undefined && what === 'request body') {
    throw new ValidationError('this request needs a JSON body: send it with Content-Type: application/json');
  }
  const details = result.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'is invalid';
  throw new ValidationError(
    details.length > 1 ? `${what} is invalid (${details.length} problems), first: ${summary}` : `${what} is invalid: ${summary}`,
    details,
  );
}
