import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';

/** Clicks `button` and returns the download's suggested name and its text (pdftotext). */
async function download(page: Page, button: string) {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const path = await file.path();
  const head = execFileSync('head', ['-c', '5', path]).toString();
  const text = execFileSync('pdftotext', [path, '-']).toString().replace(/\s+/g, ' ');
  return { name: file.suggestedFilename(), head, text };
}

test('KV-Antrag: die KV aus den Stammdaten ist vorausgewählt, Formular und Bestätigung kommen als ausgefüllte PDFs', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  await newPracticeLoggedIn(page, `kv.${stamp}@praxis-e2e.de`, 'Praxis KV-Antrag');

  await page.getByRole('navigation').getByRole('link', { name: 'KV-Antrag' }).click();
  await expect(page.getByRole('heading', { name: 'KV-Antrag', level: 1 })).toBeVisible();
  const kv = page.getByLabel('Kassenärztliche Vereinigung');
  await expect(kv).toHaveValue('sachsen');
  await expect(kv.locator('option')).toHaveCount(17);
  await expect(page.getByLabel('Ärztin/Arzt bzw. Psychotherapeut/in')).not.toHaveValue('');
  await expect(page.getByText('noch keine Zertifikate hinterlegt')).toBeVisible();
  await expect(page.getByRole('row', { name: /Sachsen \(Ihre KV\)/ })).toBeVisible();

  await page.getByLabel('Beginn der Videosprechstunden (freiwillig)').fill('2027-01-04');
  const form = await download(page, 'Formular für die KV herunterladen (PDF)');
  expect(form.name).toBe('Antrag-Videosprechstunde-KVS.pdf');
  expect(form.head).toBe('%PDF-');
  for (const expected of ['Praxis KV-Antrag', '123456601', '981234500', 'Kassenärztliche Vereinigung Sachsen', 'Anna Beispiel', '04.01.2027']) {
    expect(form.text).toContain(expected);
  }

  // Any of the 17 can be chosen.
  await kv.selectOption({ label: 'KV Nordrhein' });
  const nordrhein = await download(page, 'Formular für die KV herunterladen (PDF)');
  expect(nordrhein.name).toBe('Antrag-Videosprechstunde-KVNO.pdf');
  expect(nordrhein.text).toContain('Kassenärztliche Vereinigung Nordrhein');
  expect(nordrhein.text).toContain('Videosprechstunde@kvno.de');

  const confirmation = await download(page, 'Bestätigung Videosprechstunde herunterladen (PDF)');
  expect(confirmation.name).toMatch(/^Best(ä|ae)tigung-Videosprechstunde-KVNO\.pdf$/);
  expect(confirmation.text).toContain('Bestätigung Videosprechstunde');
  expect(confirmation.text).toContain('Praxis KV-Antrag');

  expect((await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze()).violations).toEqual([]);

  // On a phone the page does not scroll sideways; the wide table scrolls in its own box.
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
