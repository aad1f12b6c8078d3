import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { admitWithoutConsent, bookNow, enterAndPassTechTest, expectFramesFlowing, explainFailure, lettersOf, patientChromium, recordPeers } from './room';

// The idle logout (30 minutes in the local configuration) must never cut a consultation:
// psychotherapy sessions last 50 minutes. Playwright's clock moves the page's timers; the
// server's session is renewed by the requests the page makes, which are counted.
const RENEWAL = /\/praxis\/sitzung-verlaengern/;

test('Ein Gespräch von 60 Minuten wird nicht durch die automatische Abmeldung unterbrochen', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Petra Lang ${lettersOf(stamp)}`;
  await page.clock.install();
  await newPracticeLoggedIn(page, `lang.${stamp}@praxis-e2e.de`, 'Praxis Langes Gespräch');
  const code = await bookNow(page, patient, `lang.${stamp}@example.org`);
  await page.addInitScript(recordPeers(false));
  await page.goto('/praxis');
  const renewals: string[] = [];
  page.on('request', (r) => { if (RENEWAL.test(r.url())) renewals.push(r.url()); });

  const patientBrowser = await patientChromium();
  try {
    const context = await patientBrowser.newContext({
      baseURL: test.info().project.use.baseURL, locale: 'de-DE', permissions: ['camera', 'microphone'],
    });
    await context.addInitScript(recordPeers(false));
    const p = await context.newPage();
    await enterAndPassTechTest(p, patient, code);
    await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
    await expect(page).toHaveURL(/\/praxis\/gespraech\/[0-9a-f-]{36}$/);
    const connected = page.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' });
    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      await expect(connected).toBeVisible({ timeout: 20_000 });
      await expectFramesFlowing(page);
    });
    const callUrl = page.url();

    // Sixty minutes in one-minute steps; the warning never shows, the page never moves.
    for (let minute = 1; minute <= 60; minute++) {
      await page.clock.fastForward('01:00');
      await page.waitForTimeout(150);
      expect(page.url(), `still on the call page after ${minute} minutes`).toBe(callUrl);
      await expect(page.locator('.idle-warning'), `no idle warning after ${minute} minutes`).toBeHidden();
    }
    await expect.poll(() => renewals.length, 'the session was renewed twice in the hour').toBeGreaterThanOrEqual(2);
    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      await expect(connected).toBeVisible({ timeout: 20_000 });
      await expectFramesFlowing(page);
      await expectFramesFlowing(p);
    });
    await expect(p.getByText('Die Verbindung ist unterbrochen').locator('visible=true')).toHaveCount(0);
    // The server still knows the doctor.
    const praxis = await page.request.get('/praxis', { maxRedirects: 0 });
    expect(praxis.status(), 'session valid after the hour').toBe(200);
  } finally {
    await patientBrowser.close();
  }
});

test('Eine unbenutzte Praxisseite meldet nach 30 Minuten ab, mit Warnung zwei Minuten vorher', async ({ page }) => {
  const stamp = Date.now();
  await page.clock.install();
  await newPracticeLoggedIn(page, `leerlauf.${stamp}@praxis-e2e.de`, 'Praxis Leerlauf');
  await page.goto('/praxis/termine');
  await expect(page.locator('details.waiting-panel')).toContainText('niemand wartet');
  await page.clock.fastForward('27:00');
  await expect(page.locator('.idle-warning')).toBeHidden();
  await page.clock.fastForward('01:30');
  await expect(page.getByRole('alertdialog')).toContainText('Angemeldet bleiben');
  await page.clock.fastForward('02:00');
  await expect(page).toHaveURL(/\/anmelden\?abgelaufen$/);
});
