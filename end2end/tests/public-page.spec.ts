import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';

const WCAG = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

/** Clicks the link and returns the download's name and its text (pdftotext). */
async function download(page: Page, link: string) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: link }).click(),
  ]);
  const path = await file.path();
  const text = execFileSync('pdftotext', [path, '-']).toString().replace(/\s+/g, ' ');
  return { name: file.suggestedFilename(), text };
}

test('Praxisseite: einrichten, öffentlich ohne JavaScript lesen, Unterlagen laden, zur Videosprechstunde', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const practice = `Praxis Seite ${stamp}`;
  await newPracticeLoggedIn(page, `seite.${stamp}@praxis-e2e.de`, practice);

  await page.getByRole('navigation').getByRole('link', { name: 'Praxisseite' }).click();
  await expect(page.getByRole('heading', { name: 'Praxisseite', level: 1 })).toBeVisible();
  const shortName = page.getByLabel('Kurzname in der Adresse');
  await expect(shortName).toHaveValue(`praxis-seite-${stamp}`);
  await page.getByLabel('Praxisseite einschalten (öffentlich erreichbar)').check();
  await page.getByLabel(/^Eigener Einleitungstext/).fill('Herzlich willkommen!\n\nWir beraten Sie gern <b>per Video</b>.');
  await page.getByRole('button', { name: 'Speichern' }).click();
  await expect(page.getByRole('status')).toHaveText('Die Einstellungen der Praxisseite sind gespeichert.');
  const address = await page.getByLabel('Adresse der Praxisseite').inputValue();
  expect(address).toMatch(new RegExp(`/praxen/praxis-seite-${stamp}$`));
  await expect(page.getByLabel('HTML für Ihre Website')).toHaveValue(new RegExp(`^<a href="${address}"`));
  const qr = page.getByRole('img', { name: /QR-Code mit der Adresse/ });
  await expect(qr).toBeVisible();
  // Visible as soon as it has its size; it is shown once the picture has loaded.
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  expect((await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations).toEqual([]);

  // A patient without JavaScript, on a phone.
  const patient = await browser.newContext({
    baseURL: test.info().project.use.baseURL,
    locale: 'de-DE',
    javaScriptEnabled: false,
    viewport: { width: 360, height: 780 },
  });
  const visitor = await patient.newPage();
  await visitor.goto(new URL(address).pathname);
  await expect(visitor.getByRole('heading', { name: practice, level: 1 })).toBeVisible();
  await expect(visitor.getByText('Dr. med. Anna Beispiel, Allgemeinmedizin')).toBeVisible();
  await expect(visitor.getByText('Wir beraten Sie gern <b>per Video</b>.')).toBeVisible();
  for (const section of ['Voraussetzungen', 'Datensicherheit', 'So läuft die Videosprechstunde ab', 'Unterlagen']) {
    await expect(visitor.getByRole('heading', { name: section, level: 2 })).toBeVisible();
  }
  await expect(visitor.getByText(/spätestens 3 Monate nach dem Termin gelöscht/)).toBeVisible();
  const overflow = await visitor.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  const consent = await download(visitor, 'Einverständniserklärung herunterladen (PDF)');
  expect(consent.name).toBe('Einverstaendniserklaerung.pdf');
  expect(consent.text).toContain(practice);
  const guide = await download(visitor, 'So funktioniert Ihre Videosprechstunde');
  expect(guide.name).toBe('Anleitung-Videosprechstunde.pdf');
  expect(guide.text).toContain(practice);
  expect(guide.text).toContain('Raum betreten');

  await visitor.getByRole('link', { name: 'Zur Videosprechstunde' }).first().click();
  await expect(visitor).toHaveURL(/\/videosprechstunde$/);
  await expect(visitor.getByRole('heading', { name: 'Videosprechstunde betreten', level: 1 })).toBeVisible();

  // axe needs JavaScript: the same two pages in the practice's browser, on a phone's width.
  await page.setViewportSize({ width: 360, height: 780 });
  for (const path of [new URL(address).pathname, '/videosprechstunde']) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    const violations = (await new AxeBuilder({ page }).withTags(WCAG).analyze()).violations;
    expect(violations.map((v) => `${path} ${v.id}: ${v.help}`)).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/praxis/praxisseite');

  // Switched off, the page is gone for patients.
  await page.getByLabel('Praxisseite einschalten (öffentlich erreichbar)').uncheck();
  await page.getByRole('button', { name: 'Speichern' }).click();
  await expect(page.getByRole('status')).toHaveText('Die Einstellungen der Praxisseite sind gespeichert.');
  const gone = await visitor.goto(new URL(address).pathname);
  expect(gone?.status()).toBe(404);
  await expect(visitor.getByRole('heading', { name: 'Diese Praxisseite gibt es nicht', level: 1 })).toBeVisible();
  await patient.close();
});
