import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';

/** Collects CSP violations and every host the page talks to. */
async function watch(page: Page) {
  const hosts = new Set<string>();
  const cspViolations: string[] = [];
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') hosts.add(url.hostname);
  });
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  await page.addInitScript(() => {
    (window as any).__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  return { hosts, cspViolations };
}

/** True once the wasm bundle has hydrated the page. */
async function waitForHydration(page: Page) {
  await page.waitForFunction(() =>
    performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm')),
  );
  await page.waitForLoadState('networkidle');
}

test('Startseite: rendert, hydriert, ohne CSP-Verstöße und ohne fremde Hosts', async ({ page }) => {
  const { hosts, cspViolations } = await watch(page);
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);

  const csp = response!.headers()['content-security-policy'];
  expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9_-]{22}'/);
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Videosprechstunde/);
  await expect(page.getByRole('link', { name: 'Zur Videosprechstunde' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Registrieren' })).toBeVisible();

  // The check button only reacts once the wasm has hydrated the page: until then it is disabled.
  const check = page.getByRole('button', { name: 'Browser prüfen' });
  await expect(check).toBeEnabled();
  await check.click();
  await expect(page.getByRole('status')).toHaveText(/Ihr Browser unterstützt die Videosprechstunde/);

  expect(cspViolations).toEqual([]);
  expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  expect([...hosts]).toEqual(['127.0.0.1']);
});

test('Startseite: per Tastatur bedienbar, erster Tab-Stopp springt zum Inhalt', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Zum Inhalt springen' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#inhalt$/);
});

test('Startseite: passt auf ein 360-px-Telefon ohne seitliches Scrollen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await expect(page.getByRole('link', { name: 'Zur Videosprechstunde' }).first()).toBeInViewport();
});

test('Startseite: keine Barrierefreiheitsfehler (axe, WCAG 2.2 AA)', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});

test('Englischer Browser bekommt die englische Startseite', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const check = page.getByRole('button', { name: 'Check my browser' });
  await expect(check).toBeEnabled();
  await check.click();
  await expect(page.getByRole('status')).toHaveText(/Your browser supports video consultations/);
  await context.close();
});
