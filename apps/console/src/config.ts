import { z } from 'zod';

const url = (name: string) => z.url({ error: `${name} must be a URL such as http://127.0.0.1:3001` });

const configSchema = z.object({
  PORT: z.coerce
    .number({ error: 'PORT must be a port number' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ORDER_SERVICE_URL: url('ORDER_SERVICE_URL').default('http://127.0.0.1:3001'),
  PAYMENT_SERVICE_URL: url('PAYMENT_SERVICE_URL').default('http://127.0.0.1:3002'),
  NOTIFICATION_SERVICE_URL: url('NOTIFICATION_SERVICE_URL').default('http://127.0.0.1:3003'),
  TEMPORAL_UI_URL: url('TEMPORAL_UI_URL').default('http://127.0.0.1:8233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
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
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`bad console configuration: ${problems}`);
  }
  return parsed.data;
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
