// Time to interactive of the patient's room page on loopback, measured in Chromium:
// first contentful paint (server-rendered HTML) and the moment the tech-test island is
// hydrated and running (its heading replaces the server's loading line), over 20 loads.
// Usage: node scripts/bench-patient-page.mjs <base-url> <access-code>
import { createRequire } from 'node:module';
const require = createRequire(new URL('../end2end/package.json', import.meta.url));
const { chromium } = require('@playwright/test');

const [base, code] = process.argv.slice(2);
if (!base || !code) throw new Error('usage: bench-patient-page.mjs <base-url> <access-code>');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream', '--no-first-run', '--disable-background-networking'],
});
const context = await browser.newContext({ baseURL: base, locale: 'de-DE', permissions: ['camera', 'microphone'] });
await context.addInitScript(() => {
  new MutationObserver((_, observer) => {
    if (document.getElementById('tech-title')) {
      window.__interactive = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
});
const page = await context.newPage();
await page.goto('/videosprechstunde');
await page.getByLabel(/^Ihr Name/).fill('Erika Mustermann');
await page.getByLabel(/^Zugangscode/).fill(code);
await page.getByRole('button', { name: 'Raum betreten' }).click();
await page.waitForURL(/\/videosprechstunde\/raum$/);
const paints = [];
const ready = [];
for (let i = 0; i < 20; i++) {
  await page.reload();
  await page.waitForFunction(() => window.__interactive !== undefined, null, { timeout: 10_000 });
  const [fcp, interactive] = await page.evaluate(() => [
    performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    window.__interactive,
  ]);
  paints.push(fcp);
  ready.push(interactive);
}
await browser.close();
// A reload that paints nothing new before the island (rare) has no paint entry: left out.
const pct = (xs, p) => { const s = xs.filter(Number.isFinite).sort((a, b) => a - b); return s[Math.round((s.length - 1) * p)]; };
const f = (x) => x.toFixed(0);
console.log(`patient room page, 20 loads (${paints.filter(Number.isFinite).length} with a paint entry): first contentful paint p50 ${f(pct(paints, 0.5))} ms p90 ${f(pct(paints, 0.9))} ms; tech test interactive p50 ${f(pct(ready, 0.5))} ms p90 ${f(pct(ready, 0.9))} ms`);
