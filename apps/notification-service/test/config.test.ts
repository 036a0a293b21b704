import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const DATABASE_URL = 'postgres://cancelflow@127.0.0.1:5432/cancelflow';

describe('configuration', () => {
  it('runs the embedded SMTP server on 127.0.0.1:2525 and HTTP on 3003 by default', () => {
    const config = loadConfig({ DATABASE_URL });
    expect(config).toMatchObject({
      port: 3003,
      taskQueue: 'notifications',
      workerEnabled: true,
      smtp: { host: '127.0.0.1', port: 2525 },
      mailFrom: 'CancelFlow <no-reply@cancelflow.local>',
    });
    expect(config.smtp.url).toBeUndefined();
  });

  it('sends through a relay when SMTP_URL is set, and takes SMTP_PORT 0 as any free port', () => {
    const config = loadConfig({ DATABASE_URL, SMTP_URL: 'smtp://user:pass@relay:587', SMTP_PORT: '0' });
    expect(config.smtp).toEqual({ url: 'smtp://user:pass@relay:587', host: '127.0.0.1', port: 0 });
  });

  it('refuses to start naming every bad variable', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://relay', SMTP_PORT: '70000' })).toThrow(
      /DATABASE_URL is required[\s\S]*SMTP_URL must be an smtp:\/\/[\s\S]*SMTP_PORT must be between 0 and 65535/,
    );
  });
});
