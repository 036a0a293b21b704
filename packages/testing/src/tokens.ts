/**
 * Bearer tokens for tests, signed like the services expect (AUTH_TOKEN_SECRET of the test run, or
 * the development secret): one per role, optionally scoped to a merchant.
 */
import { authSettingsFromEnv, mintAccessToken, type Role } from '@cancelflow/service-kit/auth';

export interface TokenOptions {
  merchantId?: string;
  subject?: string;
  expiresIn?: string | number;
}

export const token = (role: Role, options: TokenOptions = {}): Promise<string> =>
  mintAccessToken(authSettingsFromEnv(), { role, expiresIn: '1h', ...options });

export const serviceToken = (options: TokenOptions = {}) => token('SERVICE', { subject: 'test-integration', ...options });
export const supportToken = (options: TokenOptions = {}) => token('SUPPORT', { subject: 'test-support', ...options });
export const merchantToken = (merchantId: string, options: TokenOptions = {}) =>
  token('MERCHANT', { subject: `staff-of-${merchantId}`, ...options, merchantId });

/**
 * The role a test calls a route with when it names none: what integrations do (import orders,
 * acknowledge, shipments, provider events) as SERVICE; everything else as SUPPORT staff.
 */
export function defaultRoleFor(method: string, path: string): Role {
  const p = path.split('?')[0]!;
  if (
    method === 'POST' &&
    (p === '/orders' || /^\/orders\/[^/]+\/(acknowledge|shipments)$/.test(p) || p === '/provider-events' || p === '/payments')
  ) {
    return 'SERVICE';
  }
  return 'SUPPORT';
}

const cache = new Map<Role, Promise<string>>();
/** A cached default token per role for the whole test file. */
export const defaultTokenFor = (method: string, path: string): Promise<string> => {
  const role = defaultRoleFor(method, path);
  let found = cache.get(role);
  if (!found) {
    found = token(role, { subject: `test-${role.toLowerCase()}` });
    cache.set(role, found);
  }
  return found;
};
