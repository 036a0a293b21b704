import type { RequestHandler } from 'express';
import { ValidationError } from '@cancelflow/domain';

/**
 * Routes every spelling of a path as its canonical form (RFC 3986 normalisation): empty segments
 * (`//`) and `.` go, `..` removes the segment before it, `;params` are dropped, percent-encoded
 * unreserved characters are decoded. Case and a trailing slash need nothing: express routes
 * case-insensitively and ignores a trailing slash. Access is decided on the route express then
 * matches, so no spelling reaches a route, or misses one, that the canonical path would not.
 * A malformed percent-encoding is the caller's error (400), never a crash deeper in.
 */
export const canonicalPath: RequestHandler = (req, _res, next) => {
  const queryAt = req.url.indexOf('?');
  const path = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
  const canonical = canonicalise(path);
  if (canonical !== path) req.url = canonical + (queryAt === -1 ? '' : req.url.slice(queryAt));
  next();
};

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

export function canonicalise(path: string): string {
  const segments: string[] = [];
  for (const raw of path.split('/')) {
    const segment = decodeUnreserved(raw.split(';', 1)[0]!);
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

function decodeUnreserved(segment: string): string {
  if (!segment.includes('%')) return segment;
  if (/%(?![0-9A-Fa-f]{2})/.test(segment)) throw malformed(segment);
  try {
    decodeURIComponent(segment);
  } catch {
    throw malformed(segment);
  }
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
    const character = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(character) ? character : encoded.toUpperCase();
  });
}

const malformed = (segment: string) =>
  new ValidationError(
    `the path segment "${segment.slice(0, 80)}" is not valid percent-encoding: escape "%" as %25 and encode text as UTF-8`,
  );
