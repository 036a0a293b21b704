import { ValidationError } from '@cancelflow/domain';
import type { z } from 'zod';

/**
 * Parses input with a zod schema; a failure names every field that is wrong and why, in one voice:
 * the field's path as a client writes it, then what it must be ("lines[0].quantity: must be at
 * least 1"), never zod's own wording.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // express.json leaves the body undefined when it is not JSON (another or no Content-Type).
  if (input === undefined && what === 'request body') {
    throw new ValidationError('this request needs a JSON body: send it with Content-Type: application/json');
  }
  const details = problemsOf(result.error, what);
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'is invalid';
  throw new ValidationError(
    details.length > 1 ? `${what} is invalid (${details.length} problems), first: ${summary}` : `${what} is invalid: ${summary}`,
    details,
  );
}

/** Each issue of a failed parse as { path, message }, in the one voice of parse(). */
export function problemsOf(error: z.ZodError, what = 'request body'): { path: string; message: string }[] {
  return error.issues.map((issue) => ({ path: pathText(issue.path), message: messageOf(issue, what) }));
}

/** lines[0].quantity, customer.email */
export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

/** zod's default messages; a schema's own message is kept (without the field name it repeats). */
const ZOD_WORDING = /^(Invalid|Too (small|big)|Unrecognized key|Expected )/;

type Issue = z.core.$ZodIssue;

function messageOf(issue: Issue, what: string): string {
  if (issue.path.length === 0 && issue.code === 'invalid_type' && issue.expected === 'object') {
    return `the ${what} must be a JSON object`;
  }
  if (!ZOD_WORDING.test(issue.message)) {
    const field = issue.path.at(-1);
    // "quantity must be at least 1" under lines[0].quantity reads "lines[0].quantity: must be at least 1".
    const rest = typeof field === 'string' && issue.message.startsWith(`${field} `) ? issue.message.slice(field.length + 1) : undefined;
    return rest !== undefined && /^(must|cannot|is|needs|names) /.test(rest) ? rest : issue.message;
  }
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined/.test(issue.message) ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return bound('at least', 'more than', issue.minimum, issue.inclusive, issue.origin);
    case 'too_big':
      return bound('at most', 'less than', issue.maximum, issue.inclusive, issue.origin);
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `must be ${article(issue.format === 'regex' ? 'text of the expected form' : `valid ${issue.format}`)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'matches none of the accepted forms';
    default:
      return 'is invalid';
  }
}

function bound(inclusive: string, exclusive: string, limit: number | bigint, isInclusive: boolean | undefined, origin: string): string {
  const n = String(limit);
  const words = isInclusive === false ? exclusive : inclusive;
  if (origin === 'string') return `must be ${words} ${n} character${n === '1' ? '' : 's'} long`;
  if (origin === 'array' || origin === 'set') return `must list ${words} ${n} item${n === '1' ? '' : 's'}`;
  return `must be ${words} ${n}`;
}

const article = (noun: string) => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);
