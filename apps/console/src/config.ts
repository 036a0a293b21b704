import { z } from 'zod';
import { httpEnv, loadConfig, processEnv, temporalEnv } from '@cancelflow/service-kit/config';

const url = (name: string) => z.url({ error: `${name} must be a URL such as http://127.0.0.1:3001` });

/** The common settings of a process serving HTTP (the console has no database or worker) and its own. */
const configSchema = z.object({
  ...processEnv,
  ...httpEnv(3000),
  ORDER_SERVICE_URL: url('ORDER_SERVICE_URL').default('http://127.0.0.1:3001'),
  PAYMENT_SERVICE_URL: url('PAYMENT_SERVICE_URL').default('http://127.0.0.1:3002'),
  NOTIFICATION_SERVICE_URL: url('NOTIFICATION_SERVICE_URL').default('http://127.0.0.1:3003'),
  TEMPORAL_UI_URL: url('TEMPORAL_UI_URL').default('http://127.0.0.1:8233'),
  /** The namespace the Temporal UI links open. */
  TEMPORAL_NAMESPACE: temporalEnv.TEMPORAL_NAMESPACE,
  /** auto: build when dist/ is missing or older than the sources; always; never (use dist/ as is). */
  CONSOLE_BUILD: z.enum(['auto', 'always', 'never'], { error: 'CONSOLE_BUILD must be auto, always or never' }).default('auto'),
  /**
   * Offer "Continue without a token". The services check bearer tokens now, so a tokenless
   * session only sees their 401s: off by default; true only for looking at screens against
   * services run without auth.
   */
  CONSOLE_ALLOW_UNAUTHENTICATED: z
    .enum(['true', 'false'], { error: 'CONSOLE_ALLOW_UNAUTHENTICATED must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
});

export type ConsoleConfig = z.infer<typeof configSchema>;

/** Reads the console's settings from the environment; fails naming every bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  // An empty variable counts as unset, so `PORT=` in a .env file falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  return loadConfig('console', configSchema, present);
}

/** What the browser app reads from GET /config.json. */
export interface PublicConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
  allowUnauthenticated: boolean;
}

export const publicConfig = (config: ConsoleConfig): PublicConfig => ({
  temporalUiUrl: config.TEMPORAL_UI_URL.replace(/\/+$/, ''),
  temporalNamespace: config.TEMPORAL_NAMESPACE,
  allowUnauthenticated: config.CONSOLE_ALLOW_UNAUTHENTICATED,
});
