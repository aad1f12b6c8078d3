import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { linkIn, totp, waitForMail, waitForMails } from './mail';
import { logIn, PASSWORD, submitRegistration } from './practice';
import AxeBuilder from '@axe-core/playwright';

const now = () => Date.now() / 1000;

test('TOTP im Test rechnet wie RFC 6238 (Anhang B)', async () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // "12345678901234567890"
  expect(totp(secret, 59)).toBe('287082');
  expect(totp(secret, 1111111109)).toBe('081804');
  expect(totp(secret, 2000000000)).toBe('279037');
});

test('Praxis: registrieren, E-Mail bestätigen, anmelden, 2FA einschalten, mit 2FA anmelden, Stammdaten ändern', async ({ page }) => {
  test.setTimeout(180_000);
  const email = `anna.${Date.now()}@praxis-e2e.de`;

  await submitRegistration(page, email);
  const first = await waitForMail(email, /E-Mail-Adresse/);

  // No e-mail seen? The page itself sends a new link, and only the newest one counts.
  await expect(page.getByRole('heading', { level: 2, name: 'Keine E-Mail erhalten?' })).toBeVisible();
  await page.getByLabel(/^E-Mail-Adresse/).fill(email);
  await page.getByRole('button', { name: 'Link erneut senden' }).click();
  await expect(page).toHaveURL(/\/anmelden\?link-gesendet$/);
  await expect(page.getByText('Wenn zu dieser Adresse ein unbestätigtes Konto gehört, haben wir einen neuen Link geschickt.')).toBeVisible();
  const [, verification] = await waitForMails(email, /E-Mail-Adresse/, 2);
  expect(verification.text).toContain('Praxis am Markt');
  await page.goto(linkIn(first.text, '/registrieren/bestaetigen'));
  await page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dieser Link ist nicht mehr gültig' })).toBeVisible();

  // Before the link: login is refused with the resend offer.
  await logIn(page, email);
  await expect(page.getByText('Ihre E-Mail-Adresse ist noch nicht bestätigt.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Link erneut senden' })).toBeVisible();

  // The link opens a page with a button (mail scanners only open links, they press nothing).
  await page.goto(linkIn(verification.text, '/registrieren/bestaetigen'));
  await page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }).click();
  await expect(page).toHaveURL(/\/anmelden\?bestaetigt$/);
  await expect(page.getByText('Ihre E-Mail-Adresse ist bestätigt.')).toBeVisible();

  await logIn(page, email);
  await expect(page).toHaveURL(/\/praxis$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Übersicht' })).toBeVisible();

  // Second factor: the owner follows the nudge.
  await page.getByRole('link', { name: 'Zwei-Faktor-Anmeldung einrichten' }).click();
  await page.getByRole('button', { name: 'Zwei-Faktor-Anmeldung einrichten' }).click();
  await expect(page.getByRole('img', { name: 'QR-Code für die Authenticator-App' })).toBeVisible();
  const secret = (await page.getByRole('figure').locator('code').textContent()) ?? '';
  expect(secret.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel(/^Code/).fill(totp(secret, now()));
  // Switching it on asks for the password too (issue 22: a hijacked session cannot lock the owner out).
  await page.getByLabel(/^Passwort/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Einschalten' }).click();
  await expect(page.getByRole('heading', { name: 'Ihre Wiederherstellungscodes' })).toBeVisible();
  const codes = page.getByRole('region', { name: 'Ihre Wiederherstellungscodes' }).getByRole('listitem');
  await expect(codes).toHaveCount(10);
  await expect(codes.first()).toHaveText(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
  await expect(page.getByText('Die Zwei-Faktor-Anmeldung ist eingeschaltet.')).toBeVisible();
  await waitForMail(email, /Zwei-Faktor-Anmeldung eingeschaltet/);

  await page.getByRole('button', { name: 'Abmelden' }).click();
  await expect(page.getByText('Sie haben sich abgemeldet.')).toBeVisible();

  // Login now asks for the code; the next time step is never the one used at setup.
  await logIn(page, email);
  await expect(page.getByRole('heading', { level: 1, name: 'Zweiter Faktor' })).toBeVisible();
  await page.getByLabel(/^Code/).fill(totp(secret, now() + 30));
  await page.getByRole('button', { name: 'Bestätigen' }).click();
  await expect(page).toHaveURL(/\/praxis$/);

  await page.getByRole('link', { name: 'Stammdaten' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Stammdaten' })).toBeVisible();
  await page.getByLabel(/^Telefon/).fill('0341 7654321');
  await page.getByRole('button', { name: 'Praxisdaten speichern' }).click();
  await expect(page.getByText('Ihre Änderungen wurden gespeichert.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(/^Telefon/)).toHaveValue('0341 7654321');
});

test.describe('ohne JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('Demo-Praxis: Stammdaten mit Fehlermeldung am Feld, Eingaben bleiben erhalten', async ({ page }) => {
    await logIn(page, 'demo@sprechzimmer.test', 'Sprechstunde-am-Bildschirm');
    await expect(page).toHaveURL(/\/praxis$/);
    await page.getByRole('link', { name: 'Stammdaten' }).click();
    await page.getByLabel(/^Ort/).fill('Berlin-Mitte');
    await page.getByLabel(/^PLZ/).fill('101');
    await page.getByRole('button', { name: 'Praxisdaten speichern' }).click();

    const postcode = page.getByLabel(/^PLZ/);
    await expect(postcode).toHaveAttribute('aria-invalid', 'true');
    await expect(postcode).toHaveAccessibleDescription(/5 Ziffern/);
    await expect(postcode).toHaveValue('101');
    await expect(page.getByLabel(/^Ort/)).toHaveValue('Berlin-Mitte');
    await expect(page.getByText('Bitte korrigieren Sie die markierten Angaben:')).toBeVisible();

    await postcode.fill('10117');
    await page.getByRole('button', { name: 'Praxisdaten speichern' }).click();
    await expect(page.getByText('Ihre Änderungen wurden gespeichert.')).toBeVisible();
    await expect(page.getByLabel(/^PLZ/)).toHaveValue('10117');
    await expect(page.getByLabel(/^Ort/)).toHaveValue('Berlin-Mitte');
  });
});

test('Praxisseiten: keine Barrierefreiheitsfehler (axe, WCAG 2.2 AA) und kein seitliches Scrollen auf 360 px', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 360, height: 740 });
  const check = async (path: string) => {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(results.violations.map((v) => `${path} ${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0);
  };
  await check('/registrieren');
  await check('/anmelden');
  await logIn(page, 'demo@sprechzimmer.test', 'Sprechstunde-am-Bildschirm');
  await expect(page).toHaveURL(/\/praxis$/);
  for (const path of ['/praxis', '/praxis/stammdaten', '/praxis/rechnungsdaten', '/praxis/vertrag', '/praxis/team']) {
    await check(path);
  }
  // The setup view with its QR code, and a form error announced next to the field.
  await page.goto('/praxis/sicherheit');
  await page.getByRole('button', { name: 'Zwei-Faktor-Anmeldung einrichten' }).click();
  await expect(page.getByRole('img', { name: 'QR-Code für die Authenticator-App' })).toBeVisible();
  await check('/praxis/sicherheit');
  await page.goto('/praxis/team');
  await page.getByLabel(/^Vorname/).fill('Mia');
  await page.getByLabel(/^Nachname/).fill('Empfang');
  await page.getByLabel(/^E-Mail-Adresse/).fill('demo@sprechzimmer.test');
  await page.getByRole('radio', { name: 'Praxisteam' }).check();
  await page.getByRole('button', { name: 'Einladung senden' }).click();
  await expect(page.getByLabel(/^E-Mail-Adresse/)).toHaveAccessibleDescription(/schon ein Konto/);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze();
  expect(results.violations.map((v) => `team form error ${v.id}: ${v.help}`)).toEqual([]);
});

test('Inaktivität: zwei Minuten vor der Abmeldung erscheint die Warnung, „Angemeldet bleiben“ verlängert', async ({ page }) => {
  await page.clock.install();
  await logIn(page, 'demo@sprechzimmer.test', 'Sprechstunde-am-Bildschirm');
  await expect(page).toHaveURL(/\/praxis$/);
  // The idle timer starts when the page's code runs, which loads when the browser is idle and
  // may not have run at "network idle" on a loaded machine: wait until it works (the live
  // panel's buttons are enabled then) before the clock jumps.
  await expect(page.locator('details.waiting-panel').getByRole('button', { name: 'Ton aus' })).toBeEnabled();
  const warning = page.getByRole('alertdialog');
  await expect(warning).toBeHidden();
  await page.clock.fastForward('27:00');
  await expect(warning).toBeHidden();
  await page.clock.fastForward('01:30');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('in 2 Minuten automatisch abgemeldet');
  await page.getByRole('button', { name: 'Angemeldet bleiben' }).click();
  await expect(warning).toBeHidden();
  await expect(page).toHaveURL(/\/praxis$/);
});
