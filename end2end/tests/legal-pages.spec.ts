import { test, expect } from './fixtures';
import AxeBuilder from '@axe-core/playwright';

// The legal pages must be readable without JavaScript.
test.describe('ohne JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  const pages = [
    { path: '/nutzungsbedingungen', heading: 'Nutzungsbedingungen', text: /Kündigung/ },
    { path: '/datenschutz', heading: 'Datenschutzerklärung', text: /Beispiel-Betreiber/ },
    { path: '/auftragsverarbeitung', heading: 'Vertrag über die Auftragsverarbeitung', text: /Art\. 32 DSGVO/ },
    { path: '/impressum', heading: 'Impressum', text: /kontakt@example\.org/ },
  ];

  for (const { path, heading, text } of pages) {
    test(`${heading} ist lesbar`, async ({ page }) => {
      const response = await page.goto(path);
      expect(response?.status()).toBe(200);
      expect(response!.headers()['content-security-policy']).toContain("base-uri 'none'");
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expect(page.getByRole('main')).toContainText(text);
      expect(await page.getByRole('heading', { level: 2 }).count()).toBeGreaterThan(1);
      await expect(page).toHaveTitle(`${heading} – Sprechzimmer`);
    });
  }

  test('Der AV-Vertrag beginnt mit einem Inhaltsverzeichnis, dessen Einträge zum Abschnitt springen', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/auftragsverarbeitung');
    const title = '9. Weitere Pflichten und Verletzungen des Schutzes';
    const section = page.getByRole('heading', { level: 2, name: title, exact: true });
    await expect(section).not.toBeInViewport();
    await page.getByRole('navigation', { name: 'Inhalt' }).getByRole('link', { name: title, exact: true }).click();
    await expect(page).toHaveURL(/#abschnitt-9$/);
    await expect(section).toBeInViewport();
  });

  test('Fußzeile verlinkt alle Rechtstexte', async ({ page }) => {
    await page.goto('/');
    const footer = page.getByRole('navigation', { name: 'Rechtliches' });
    await footer.getByRole('link', { name: 'Impressum' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Impressum' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Rechtliches' }).getByRole('link', { name: 'Datenschutzerklärung' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Datenschutzerklärung' })).toBeVisible();
    await page.getByRole('navigation', { name: 'Rechtliches' }).getByRole('link', { name: 'AV-Vertrag' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Vertrag über die Auftragsverarbeitung' })).toBeVisible();
  });
});

test('Datenschutzerklärung: keine Barrierefreiheitsfehler', async ({ page }) => {
  await page.goto('/datenschutz');
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
