import { test as base, expect } from '@playwright/test';

/**
 * Every journey runs under this guard: no request may leave 127.0.0.1 and the browser must
 * report no Content-Security-Policy violation, whatever page the test visits.
 */
export const test = base.extend<{ guard: void }>({
  guard: [
    async ({ page }, use) => {
      const foreign: string[] = [];
      const csp: string[] = [];
      page.on('request', (req) => {
        const url = new URL(req.url());
        if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
          foreign.push(req.url());
        }
      });
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) csp.push(msg.text());
      });
      await use();
      expect(foreign, 'requests to other hosts').toEqual([]);
      expect(csp, 'CSP violations').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
