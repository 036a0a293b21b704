// `npm run token -- --role MERCHANT --merchant m1 --expires 8h [--subject jane]`: prints a bearer
// token the CancelFlow APIs accept, signed with AUTH_TOKEN_SECRET (or, outside production, the
// development secret that `npm start` uses when none is set).

import { parseArgs } from 'node:util';
import { authSettingsFromEnv, mintAccessToken, ROLES, type AuthSettings, type Role } from '../packages/service-kit/src/auth.ts';

const usage = `usage: npm run token -- --role ${ROLES.join('|')} [--merchant <merchantId>] [--expires 8h] [--subject <who>]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

let values: { role?: string; merchant?: string; expires?: string; subject?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string' },
      merchant: { type: 'string' },
      expires: { type: 'string', default: '8h' },
      subject: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const role = values.role?.toUpperCase();
if (!role || !(ROLES as readonly string[]).includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
if (role === 'MERCHANT' && !values.merchant) fail('a MERCHANT token needs --merchant <merchantId>');
if (
  values.expires &&
  !/^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks|y|year|years)$/.test(
    values.expires,
  )
) {
  fail('--expires must be a duration such as 30m or 8h (at most AUTH_TOKEN_MAX_AGE, 12h by default)');
}

let settings: AuthSettings;
try {
  settings = authSettingsFromEnv();
} catch (error) {
  fail((error as Error).message);
}
if (settings.development) {
  process.stderr.write(
    'note: AUTH_TOKEN_SECRET is not set: signed with the DEVELOPMENT secret (accepted only by services that also run without one)\n',
  );
}
let token: string;
try {
  token = await mintAccessToken(settings, {
    role: role as Role,
    ...(values.merchant ? { merchantId: values.merchant } : {}),
    ...(values.subject ? { subject: values.subject } : {}),
    expiresIn: values.expires ?? '8h',
  });
} catch (error) {
  fail((error as Error).message);
}
process.stdout.write(`${token}\n`);
