// @vitest-environment node
// The services' Swagger UI at /docs works in a real browser under the CSP every CancelFlow answer
// carries (scripts from 'self' only), and the browser does report what the policy blocks.

import { afterAll, beforeAll, expect, it } from 'vitest';
import express, { Router } from 'express';
import { createHttpApp, createLogger, listen, securityHeaders, type RunningServer } from '@cancelflow/service-kit';
import { describeInBrowser, launchBrowser } from './harness.ts';

let api: RunningServer;
let inline: RunningServer;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

describeInBrowser('the Content-Security-Policy in a real browser', () => {
  beforeAll(async () => {
    const logger = createLogger('csp-e2e');
    logger.level = 'warn';
    api = await listen(createHttpApp(logger, Router(), { service: 'csp-e2e' }), 0);
    // A page with an inline script under the same headers: the policy must block it.
    const page = express();
    page.use(securityHeaders());
    page.get('/', (_req, res) => {
      res.type('html').send('<!doctype html><title>inline</title><script>document.title = "ran"</script>');
    });
    inline = await listen(page, 0);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await inline?.close();
  });

  it('Swagger UI renders the API reference and the browser refuses nothing; an inline script is refused', async () => {
    const page = await browser.context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${api.url}/docs`);
    await page.getByRole('heading', { name: /CancelFlow csp-e2e/ }).waitFor({ timeout: 20_000 });
    await page.getByText('/healthz').first().waitFor();
    expect(violations).toEqual([]);

    await page.goto(inline.url);
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(await page.title()).toBe('inline');
  }, 60_000);
});
