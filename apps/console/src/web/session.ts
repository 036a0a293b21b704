// Who is signed in: a bearer token (JWT) kept in session storage, so it lives as long as the tab.
// The console only reads the token's claims to show who you are and what you may do; the
// services verify it.

export const STAFF_ROLES = ['MERCHANT', 'SUPPORT', 'SERVICE'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Session {
  /** null when signed in without a token (allowed only while the services do not check tokens). */
  token: string | null;
  role: StaffRole;
  merchantId?: string;
  /** Who acts (sent as staffId on support actions): the token's subject, else the name given. */
  staffId: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
}

export interface TokenClaims {
  role?: StaffRole;
  merchantId?: string;
  sub?: string;
  exp?: number;
  orderId?: string;
}

const KEY = 'cancelflow.session';

/** The claims of a JWT, unverified. Throws with a message a person can act on. */
export function decodeToken(token: string): TokenClaims {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) {
    throw new Error('that is not a token: a token has three parts separated by dots (header.payload.signature)');
  }
  let payload: unknown;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    payload = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    throw new Error('the token cannot be read: copy the whole token, without spaces or quotes');
  }
  if (typeof payload !== 'object' || payload === null) throw new Error('the token carries no claims');
  const claims = payload as Record<string, unknown>;
  const role = typeof claims.role === 'string' ? claims.role.toUpperCase() : undefined;
  return {
    ...(role && (STAFF_ROLES as readonly string[]).includes(role) ? { role: role as StaffRole } : {}),
    ...(typeof claims.merchantId === 'string' ? { merchantId: claims.merchantId } : {}),
    ...(typeof claims.sub === 'string' ? { sub: claims.sub } : {}),
    ...(typeof claims.exp === 'number' ? { exp: claims.exp } : {}),
    ...(typeof claims.orderId === 'string' ? { orderId: claims.orderId } : {}),
  };
}

/** A session from a pasted token; throws when the token is unreadable, expired or has no role. */
export function sessionFromToken(token: string, name: string, now = Date.now()): Session {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '');
  const claims = decodeToken(trimmed);
  if (!claims.role) throw new Error('the token names no role (MERCHANT, SUPPORT or SERVICE): ask for a staff token');
  if (claims.exp !== undefined && claims.exp * 1000 <= now) {
    throw new Error(`the token expired at ${new Date(claims.exp * 1000).toLocaleString()}: get a new one`);
  }
  return {
    token: trimmed,
    role: claims.role,
    ...(claims.merchantId ? { merchantId: claims.merchantId } : {}),
    staffId: claims.sub ?? (name.trim() || claims.role.toLowerCase()),
    ...(claims.exp !== undefined ? { expiresAt: claims.exp * 1000 } : {}),
  };
}

export function loadSession(storage: Storage = sessionStorage): Session | null {
  const raw = storage.getItem(KEY);
  if (!raw) return null;
  try {
    const session = JSON.parse(raw) as Session;
    if (session.expiresAt !== undefined && session.expiresAt <= Date.now()) {
      storage.removeItem(KEY);
      return null;
    }
    return session;
  } catch {
    storage.removeItem(KEY);
    return null;
  }
}

export function saveSession(session: Session | null, storage: Storage = sessionStorage): void {
  if (session) storage.setItem(KEY, JSON.stringify(session));
  else storage.removeItem(KEY);
}

export const canRetryRefund = (session: Session | null): boolean => session?.role === 'SUPPORT';
