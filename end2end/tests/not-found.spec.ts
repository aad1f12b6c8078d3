import { test, expect } from './fixtures';

test('Unbekannte Adresse zeigt die 404-Seite mit Weg zurück', async ({ page }) => {
  const response = await page.goto('/diese-seite-gibt-es-nicht');
  expect(response?.status()).toBe(404);
  expect(response!.headers()['content-security-policy']).toContain("script-src 'nonce-");
  await expect(page.getByRole('heading', { level: 1, name: 'Seite nicht gefunden' })).toBeVisible();
  await page.getByRole('main').getByRole('link', { name: 'Zur Startseite' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Videosprechstunde/);
});
