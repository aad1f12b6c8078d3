import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { admitWithoutConsent, bookNow, enterAndPassTechTest, expectFramesFlowing, explainFailure, lettersOf, patientChromium, recordPeers } from './room';

// The idle logout (30 minutes in the local configuration) must never cut a consultation:
// psychotherapy sessions last 50 minutes. Playwright's clock moves the page's timers; the
// server's session is renewed by the requests the page makes, which are counted.
const RENEWAL = /\/praxis\/sitzung-verlaengern/;

test('Ein Gespräch von 60 Minuten wird nicht durch die automatische Abmeldung unterbrochen', async ({ page }) => {
  test.setTimeout(360_000);
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
      await expect(connected).toBeVisible({ timeout: 40_000 });
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
      await expect(connected).toBeVisible({ timeout: 40_000 });
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
  // The list is in the page as sent; the idle timer starts when the page's code runs, which
  // loads when the browser is idle: wait for it (its buttons work) before the clock jumps
  // (jumped before, the warning came 1:30 late once in a full run).
  await expect(page.locator('details.waiting-panel').getByRole('button', { name: 'Ton aus' })).toBeEnabled();
  await page.clock.fastForward('27:00');
  await expect(page.locator('.idle-warning')).toBeHidden();
  await page.clock.fastForward('01:30');
  await expect(page.getByRole('alertdialog')).toContainText('Angemeldet bleiben');
  await page.clock.fastForward('02:00');
  await expect(page).toHaveURL(/\/anmelden\?abgelaufen$/);
});

// KV-Antrag and Vertrag carry no script (issue 24): the warning is CSS, delayed to two minutes
// before the session ends by a style element the CSP admits by its nonce; when the session has
// ended, a notice covers the page with the way to the login. The test moves the page's CSS
// animation clock.
test('Der KV-Antrag lädt kein Skript und warnt trotzdem zwei Minuten vor der Abmeldung', async ({ page }) => {
  const stamp = Date.now();
  await newPracticeLoggedIn(page, `ohneskript.${stamp}@praxis-e2e.de`, 'Praxis Ohne Skript');
  // Leave the practice page first: its bundle, fetched when the browser is idle, must not be
  // counted for the KV-Antrag.
  await page.goto('about:blank');
  const code: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script' || /\.wasm(\?|$)/.test(r.url())) code.push(r.url());
  });
  await page.goto('/praxis/kv-antrag');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText('Stand beim Öffnen dieser Seite')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Zur Live-Liste' })).toHaveAttribute('href', '/praxis');
  const warning = page.locator('.idle-warning');
  const ended = page.locator('.idle-ended');
  await expect(warning).toBeHidden();
  await expect(ended).toBeHidden();

  // 28 minutes to the warning, 30 to the end (the local configuration's idle time).
  const delays = await page.evaluate(() => document.getAnimations().map((a) => a.effect?.getTiming().delay).sort());
  expect(delays).toEqual([28 * 60 * 1000, 30 * 60 * 1000]);
  const jumpTo = (ms: number) => page.evaluate((at) => { for (const a of document.getAnimations()) a.currentTime = at; }, ms);
  await jumpTo(28 * 60 * 1000 - 1000);
  await expect(warning).toBeHidden();
  await jumpTo(28 * 60 * 1000 + 10);
  const dialog = page.getByRole('alertdialog');
  await expect(dialog).toHaveCount(1);
  await expect(dialog).toContainText('in 2 Minuten automatisch abgemeldet');
  // Reachable by keyboard; staying loads the page again (the request renews the session).
  const stay = dialog.getByRole('link', { name: 'Angemeldet bleiben' });
  await stay.focus();
  await expect(stay).toBeFocused();
  await Promise.all([page.waitForURL(/\/praxis\/kv-antrag$/), page.keyboard.press('Enter')]);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(warning).toBeHidden();

  // Thirty minutes later the page says the login has ended and hides what was on it.
  await jumpTo(30 * 60 * 1000 + 10);
  await expect(ended).toBeVisible();
  await expect(ended).toContainText('nach längerer Inaktivität abgemeldet');
  const covered = await page.evaluate(() => {
    const h = document.querySelector('h1')!.getBoundingClientRect();
    return !!document.elementFromPoint(h.left + 5, h.top + h.height / 2)?.closest('.idle-ended');
  });
  expect(covered, 'the notice covers the page').toBe(true);
  expect(code, 'no script and no WebAssembly on the page').toEqual([]);
  await expect(ended.getByRole('link', { name: 'Zur Anmeldung' })).toHaveAttribute('href', '/anmelden?abgelaufen');
});
