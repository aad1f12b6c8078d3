import { Page, expect } from '@playwright/test';
import { linkIn, waitForMail } from './mail';

export const PASSWORD = 'Sonnenblumen im Wartezimmer';

export async function logIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/anmelden');
  await page.getByLabel(/^E-Mail-Adresse/).fill(email);
  await page.getByLabel(/^Passwort/).fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
}

/** Fills and sends the registration form for a practice with one doctor, the owner. */
export async function submitRegistration(page: Page, email: string, practice = 'Praxis am Markt') {
  await page.goto('/registrieren');
  await expect(page.getByRole('heading', { level: 1, name: 'Praxis registrieren' })).toBeVisible();
  await page.getByLabel(/^Titel/).fill('Dr. med.');
  await page.getByLabel(/^Vorname/).fill('Anna');
  await page.getByLabel(/^Nachname/).fill('Beispiel');
  await page.getByLabel(/^Fachgebiet/).fill('Allgemeinmedizin');
  await page.getByLabel(/^LANR/).fill('123456601');
  await page.getByLabel(/^Name der Praxis/).fill(practice);
  await page.getByLabel(/^Straße und Hausnummer/).fill('Marktplatz 3');
  await page.getByLabel(/^PLZ/).fill('04109');
  await page.getByLabel(/^Ort/).fill('Leipzig');
  await page.getByLabel(/^Telefon/).fill('0341 1234567');
  await page.getByLabel(/^Kassenärztliche Vereinigung/).selectOption({ label: 'KV Sachsen' });
  await page.getByLabel(/^BSNR/).fill('981234500');
  await page.getByLabel(/^E-Mail-Adresse/).fill(email);
  await page.getByLabel(/^Passwort/).fill(PASSWORD);
  await page.getByRole('checkbox', { name: /Nutzungsbedingungen/ }).check();
  await page.getByRole('checkbox', { name: /AV-Vertrag/ }).check();
  await page.getByRole('button', { name: 'Praxis registrieren' }).click();
  await expect(page.getByRole('heading', { name: 'Bitte bestätigen Sie Ihre E-Mail-Adresse' })).toBeVisible();
}

/** A new practice of its own: registered, confirmed by the e-mail link, logged in. */
export async function newPracticeLoggedIn(page: Page, email: string, practice: string) {
  await submitRegistration(page, email, practice);
  const verification = await waitForMail(email, /E-Mail-Adresse/);
  // The link opens a page with a button (mail scanners only open links, they press nothing).
  await page.goto(linkIn(verification.text, '/registrieren/bestaetigen'));
  await page.getByRole('button', { name: 'E-Mail-Adresse bestätigen' }).click();
  await logIn(page, email);
  await expect(page).toHaveURL(/\/praxis$/);
}
