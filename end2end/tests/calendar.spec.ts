import { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { waitForMail } from './mail';
import { berlinNow } from './room';
import AxeBuilder from '@axe-core/playwright';

async function logInDemo(page: Page) {
  await page.goto('/anmelden');
  await page.getByLabel(/^E-Mail-Adresse/).fill('demo@sprechzimmer.test');
  await page.getByLabel(/^Passwort/).fill('Sprechstunde-am-Bildschirm');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page).toHaveURL(/\/praxis$/);
}

test('Kalender: Termin in der Wochenansicht anlegen, sehen, verschieben und absagen; die Patientin bekommt jedes Mal Post', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const patient = `Erika Mustermann ${stamp}`;
  const email = `erika.${stamp}@example.org`;

  await logInDemo(page);
  await page.getByRole('link', { name: 'Termine' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Termine' })).toBeVisible();
  await expect(page.locator('[aria-current="date"]')).toContainText('heute');
  // "Neuer Termin" starts today in this week (not on its Monday, which may be past), and each
  // coming day offers a link of its own.
  await page.getByRole('link', { name: 'Neuer Termin' }).click();
  await expect(page.getByLabel(/^Datum/)).toHaveValue(berlinNow().date);
  await page.goBack();
  await page.locator('[aria-current="date"]').getByRole('link', { name: /^Termin eintragen am / }).click();
  await expect(page.getByLabel(/^Datum/)).toHaveValue(berlinNow().date);
  await page.goBack();
  await page.getByRole('link', { name: 'Nächste Woche →' }).click();
  await page.getByRole('link', { name: 'Neuer Termin' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Neuer Termin' })).toBeVisible();
  await expect(page.getByLabel(/^Datum/)).not.toHaveValue('');

  await page.getByLabel(/^Vollständiger Name/).fill(patient);
  await page.getByLabel(/^E-Mail-Adresse der Patientin/).fill(email);
  await page.getByLabel(/^Uhrzeit/).fill('10:00');
  await page.getByLabel('Dauer').selectOption({ label: '30 Minuten' });
  await page.getByLabel(/^Notiz/).fill('Nur für die Praxis');
  await page.getByRole('button', { name: 'Termin anlegen und Einladung senden' }).click();

  await expect(page.getByText('Der Termin ist angelegt; die Einladung ist unterwegs.')).toBeVisible();
  const entry = page.getByRole('link', { name: new RegExp(`10:00–10:30 ${patient}`) });
  await expect(entry).toBeVisible();

  const invitation = await waitForMail(email, /Videosprechstunde am .* um 10:00 Uhr/);
  expect(invitation.text).toMatch(/\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b/);
  expect(invitation.text).toContain('/videosprechstunde');
  expect(invitation.text).not.toContain('Nur für die Praxis');

  // The code works on the patient page (a week ahead: the waiting room is not open yet).
  const code = /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/.exec(invitation.text)![0];
  const patientContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE' });
  const patientPage = await patientContext.newPage();
  // The invitation's link carries the code in its fragment: the page fills the field and takes
  // the code out of the address bar.
  const link = new URL(/https?:\/\/\S+\/videosprechstunde#code=\S+/.exec(invitation.text)![0]);
  expect(link.hash).toBe(`#code=${code}`);
  await patientPage.goto(link.pathname + link.hash);
  await expect(patientPage.getByLabel(/^Zugangscode/)).toHaveValue(code);
  await expect.poll(() => patientPage.evaluate(() => location.hash)).toBe('');
  await expect(patientPage).toHaveURL(/\/videosprechstunde$/);
  await patientPage.goto('/videosprechstunde');
  await patientPage.getByLabel(/^Ihr Name/).fill('erika  mustermann');
  await patientPage.getByLabel(/^Zugangscode/).fill(code.replace(/-/g, '').toLowerCase());
  await patientPage.getByRole('button', { name: 'Raum betreten' }).click();
  await expect(patientPage.getByRole('status')).toContainText('Das Wartezimmer öffnet um 09:30 Uhr');
  await patientPage.getByLabel(/^Zugangscode/).fill('ABCD-EFGH-JKMN');
  await patientPage.getByRole('button', { name: 'Raum betreten' }).click();
  await expect(patientPage.getByText('Diesen Zugangscode kennen wir nicht.').first()).toBeVisible();
  await patientContext.close();

  // Reschedule by editing.
  await entry.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Termin' })).toBeVisible();
  await expect(page.getByLabel(/^Notiz/)).toHaveValue('Nur für die Praxis');
  await page.getByLabel(/^Uhrzeit/).fill('11:15');
  await page.getByRole('button', { name: 'Änderungen speichern und Patient/in informieren' }).click();
  await expect(page.getByText(/^Gespeichert; die Patientin/)).toBeVisible();
  await waitForMail(email, /^Geänderter Termin: .* um 11:15 Uhr/);
  await page.getByRole('link', { name: 'Zurück zum Kalender' }).click();
  await expect(page.getByRole('link', { name: new RegExp(`11:15–11:45 ${patient}`) })).toBeVisible();
  await expect(page.getByRole('link', { name: new RegExp(`10:00–10:30 ${patient}`) })).toHaveCount(0);

  // Cancel.
  await page.getByRole('link', { name: new RegExp(`11:15–11:45 ${patient}`) }).click();
  // The first click only asks; nothing is cancelled yet.
  await page.getByText('Termin absagen', { exact: true }).click();
  await expect(page.getByText('Der Zugangscode wird sofort ungültig')).toBeVisible();
  await page.getByRole('button', { name: 'Ja, Termin absagen' }).click();
  await expect(page.getByText('Der Termin ist abgesagt; die Absage ist unterwegs.')).toBeVisible();
  await expect(page.getByText('Dieser Termin ist abgesagt.')).toBeVisible();
  await waitForMail(email, /^Abgesagt: /);
});

test('Kalender: Woche, Tag, neuer Termin und Einstellungen ohne Barrierefreiheitsfehler, als Liste auf 360 px', async ({ page }) => {
  test.setTimeout(120_000);
  await logInDemo(page);
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    for (const path of ['/praxis/termine', '/praxis/termine?ansicht=tag', '/praxis/termine/neu', '/praxis/termine/einstellungen', '/videosprechstunde']) {
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
        .analyze();
      expect(results.violations.map((v) => `${width}px ${path} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${path} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
    }
  }
});
