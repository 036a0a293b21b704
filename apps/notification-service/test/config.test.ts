import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.ts';

const DATABASE_URL = 'postgres://cancelflow@127.0.0.1:5432/cancelflow';

describe('configuration', () => {
  it('runs the embedded SMTP server on 127.0.0.1:2525 and HTTP on 3003 by default', () => {
    const config = configFromEnv({ DATABASE_URL });
    expect(config).toMatchObject({
      port: 3003,
      taskQueue: 'notifications',
      worker: true,
      smtp: { host: '127.0.0.1', port: 2525 },
      mailFrom: 'CancelFlow <no-reply@cancelflow.local>',
      replyAddresses: ['replies@cancelflow.local'],
    });
    expect(config.smtp.url).toBeUndefined();
    expect(config.trustedAuthservId).toBeUndefined();
  });

  it('sends through a relay when SMTP_URL is set, and takes SMTP_PORT 0 as any free port', () => {
    const config = configFromEnv({ DATABASE_URL, SMTP_URL: 'smtp://user:pass@relay:587', SMTP_PORT: '0' });
    expect(config.smtp).toMatchObject({ url: 'smtp://user:pass@relay:587', host: '127.0.0.1', port: 0 });
  });

  it('takes replies at REPLY_ADDRESSES (the first is the Reply-To), honours the relay named by INBOUND_AUTHSERV_ID', () => {
    const config = configFromEnv({
      DATABASE_URL,
      REPLY_ADDRESSES: 'replies@shop.example, antwort@shop.example',
      INBOUND_AUTHSERV_ID: 'mx.shop.example',
    });
    expect(config.replyAddresses).toEqual(['replies@shop.example', 'antwort@shop.example']);
    expect(config.trustedAuthservId).toBe('mx.shop.example');
    expect(() => configFromEnv({ DATABASE_URL, REPLY_ADDRESSES: 'replies, x@y.example' })).toThrow(
      /REPLY_ADDRESSES must be email addresses/,
    );
    expect(() => configFromEnv({ DATABASE_URL, SMTP_MAX_MESSAGE_BYTES: '10', SMTP_RATE_LIMIT_PER_MINUTE: '0' })).toThrow(
      /SMTP_MAX_MESSAGE_BYTES must be at least 1024[\s\S]*SMTP_RATE_LIMIT_PER_MINUTE must be at least 1/,
    );
  });

  it('refuses to start naming every bad variable', () => {
    expect(() => configFromEnv({ SMTP_URL: 'http://relay', SMTP_PORT: '70000' })).toThrow(
      /DATABASE_URL is required[\s\S]*SMTP_URL must be an smtp:\/\/[\s\S]*SMTP_PORT must be between 0 and 65535/,
    );
  });
});
