import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { waitForMail } from './mail';
import { PASSWORD, newPracticeLoggedIn } from './practice';

const axe = (page: import('@playwright/test').Page) =>
  new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();

test('Vertrag: die Inhaberin kündigt mit Passwort, sieht das Löschdatum und widerruft die Kündigung', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const email = `vertrag.${stamp}@praxis-e2e.de`;
  await newPracticeLoggedIn(page, email, 'Praxis Vertrag');

  await page.getByRole('navigation').getByRole('link', { name: 'Vertrag', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Vertrag', level: 1 })).toBeVisible();
  await expect(page.getByText('Der Vertrag läuft auf unbestimmte Zeit.')).toBeVisible();

  // The cancellation dialog names the exact last day: the end of a quarter, months ahead.
  await page.getByRole('link', { name: 'Vertrag kündigen und Daten löschen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Vertrag kündigen und Daten löschen' });
  await expect(dialog).toBeVisible();
  const warning = await dialog.getByText(/endet der Vertrag mit Ablauf des/).textContent();
  const date = warning?.match(/(\d{2})\.(\d{2})\.(\d{4})/);
  expect(date, warning ?? '').not.toBeNull();
  const [, day, month, year] = date!;
  expect(['31.03', '30.06', '30.09', '31.12']).toContain(`${day}.${month}`);
  const lastDay = new Date(Number(year), Number(month) - 1, Number(day));
  const days = (lastDay.getTime() - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(88);
  expect(days).toBeLessThan(185);
  expect((await axe(page)).violations).toEqual([]);

  // A wrong password is refused; the right one cancels.
  await dialog.getByLabel('Ihr Passwort (zur Bestätigung)').fill('nicht das Passwort');
  await dialog.getByRole('button', { name: 'KÜNDIGUNG BESTÄTIGEN' }).click();
  await expect(page.getByText('Das Passwort stimmt nicht.').first()).toBeVisible();
  await page.getByLabel('Ihr Passwort (zur Bestätigung)').fill(PASSWORD);
  await page.getByRole('button', { name: 'KÜNDIGUNG BESTÄTIGEN' }).click();
  await expect(page.getByText('Die Kündigung ist eingegangen.')).toBeVisible();
  const ends = `${day}.${month}.${year}`;
  const box = page.getByRole('note').filter({ hasText: 'Der Vertrag ist gekündigt.' });
  await expect(box).toContainText(ends);
  const confirmation = await waitForMail(email, /Kündigung bestätigt/);
  expect(confirmation.text).toContain(ends);

  // Every page reminds of the date; the practice keeps working.
  await page.getByRole('navigation').getByRole('link', { name: 'Termine' }).click();
  await expect(page.getByRole('note').filter({ hasText: `Mit Ablauf des ${ends}` })).toBeVisible();

  // Revoked: the contract runs on as before.
  await page.getByRole('navigation').getByRole('link', { name: 'Vertrag', exact: true }).click();
  await page.getByRole('link', { name: 'Kündigung widerrufen' }).click();
  const revoke = page.getByRole('dialog', { name: 'Kündigung widerrufen' });
  await expect(revoke).toContainText(ends);
  expect((await axe(page)).violations).toEqual([]);
  await revoke.getByRole('button', { name: 'KÜNDIGUNG WIDERRUFEN' }).click();
  await expect(page.getByText('Die Kündigung ist widerrufen.')).toBeVisible();
  await expect(page.getByText('Der Vertrag läuft auf unbestimmte Zeit.')).toBeVisible();
  await expect(page.getByRole('note').filter({ hasText: 'Der Vertrag ist gekündigt.' })).toHaveCount(0);
  await waitForMail(email, /Kündigung widerrufen/);
});
