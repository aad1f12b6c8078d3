import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { Page, WebSocketRoute } from '@playwright/test';
import { lookAt } from './look';
import { admitWithoutConsent, bookNow, enterAndPassTechTest, lettersOf, patientChromium, patientPhone } from './room';

test('Wartezimmer: Patientin tritt mit Namen und Code ein, besteht den Technik-Test und wartet; die Ärztin sieht sie live, schreibt ihr, lässt sie eintreten und beendet', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Erika Warteraum ${stamp}`;
  const typed = 'Erika W. Mustermann';
  const email = `wartet.${stamp}@example.org`;

  // A practice of its own (the demo practice's calendar is shared with other journeys); the
  // doctor books an appointment for now.
  await newPracticeLoggedIn(page, `warteraum.${stamp}@praxis-e2e.de`, 'Praxis Wartezimmer');
  const code = await bookNow(page, patient, email);

  // The live panel is on every practice page and shows the appointment as not yet arrived.
  await page.goto('/praxis');
  const panel = page.locator('details.waiting-panel');
  const entry = panel.getByRole('listitem').filter({ hasText: patient });
  await expect(entry).toContainText('noch nicht da');
  await expect(panel.locator(':scope > summary')).toContainText('niemand wartet');

  // Without JavaScript the entry works and the room says that JavaScript is needed.
  const noJs = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE', javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto('/videosprechstunde');
  await plain.getByLabel(/^Ihr Name/).fill('Erika');
  await plain.getByLabel(/^Zugangscode/).fill(code);
  await plain.getByRole('button', { name: 'Raum betreten' }).click();
  await expect(plain.locator('#entry-name-error')).toContainText('Bitte geben Sie Vor- und Nachnamen ein');
  await expect(plain.getByLabel(/^Ihr Name/)).toHaveAttribute('aria-invalid', 'true');
  await plain.getByLabel(/^Ihr Name/).fill(typed);
  await plain.getByRole('button', { name: 'Raum betreten' }).click();
  await expect(plain).toHaveURL(/\/videosprechstunde\/raum$/);
  await expect(plain.getByText(/braucht die Videosprechstunde JavaScript/)).toBeVisible();
  await noJs.close();

  // The patient: a browser of their own (a separate process), on a phone-sized screen.
  const patientBrowser = await patientChromium();
  try {
    const context = await patientPhone(patientBrowser, test.info().project.use.baseURL!);
    const p = await context.newPage();
    await p.goto('/videosprechstunde');
    await p.getByLabel(/^Ihr Name/).fill(typed);
    await p.getByLabel(/^Zugangscode/).fill(code.toLowerCase());
    await p.getByRole('button', { name: 'Raum betreten' }).click();
    await expect(p).toHaveURL(/\/videosprechstunde\/raum$/);

    // The tech test runs by itself; only the speaker needs the patient's ear.
    await expect(p.getByRole('heading', { name: 'Technik-Test' })).toBeVisible();
    // Not in the waiting room yet: leaving means leaving the room.
    await expect(p.getByRole('button', { name: 'Raum verlassen' })).toBeVisible();
    const check = (name: string) => p.getByRole('listitem').filter({ hasText: new RegExp(`^${name}`) });
    await expect(check('Browser')).toContainText('in Ordnung');
    await expect(check('Kamera')).toContainText('in Ordnung');
    await expect(check('Mikrofon')).toContainText('in Ordnung');
    await expect(p.getByRole('button', { name: 'Weiter ins Wartezimmer' })).toBeDisabled();
    // The speaker step says it waits for the patient, not that it is checking.
    await expect(check('Lautsprecher')).toContainText('Sie sind dran');
    await expect(check('Lautsprecher')).not.toContainText('wird geprüft');
    await p.getByRole('button', { name: 'Testton abspielen' }).click();
    await p.getByRole('button', { name: 'Ich höre den Ton' }).click();
    await expect(check('Lautsprecher')).toContainText('in Ordnung');
    // The embedded TURN service gives a relay address, and the upload is fast on loopback.
    await expect(check('Internetverbindung')).toContainText('in Ordnung');
    await expect(check('Internetverbindung')).toContainText(/schnell genug \(Upload etwa \d+(,\d)? Mbit\/s\)/);
    await expect(p.getByRole('progressbar', { name: 'Fortschritt' })).toHaveAttribute('value', '5');
    await expect.poll(() => p.getByRole('meter', { name: /Mikrofonpegel/ }).evaluate((m) => (m as HTMLMeterElement).value), { timeout: 20_000 }).toBeGreaterThan(0);
    const preview = p.getByLabel('Ihr eigenes Kamerabild');
    await expect.poll(() => preview.evaluate((v) => (v as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
    await p.getByRole('button', { name: 'Weiter ins Wartezimmer' }).click();

    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
    await expect(p.getByText('Ihre Praxis wurde benachrichtigt')).toBeVisible();
    await expect(p.getByRole('button', { name: 'Wartezimmer verlassen' })).toBeVisible();
    const axe = await new AxeBuilder({ page: p }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(axe.violations, 'axe on the waiting room at 360 px').toEqual([]);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // The doctor sees the patient arrive, with the name as typed, and the count in the title.
    await expect(entry).toContainText(/wartet seit \d\d:\d\d Uhr/);
    await expect(entry).toContainText(`Angegebener Name: „${typed}“`);
    await expect(panel.locator(':scope > summary')).toContainText('1 wartet');
    await expect(page).toHaveTitle(/^\(1\) /);

    // A note reaches the patient's waiting room.
    await entry.getByRole('button', { name: 'Nachricht senden' }).click();
    await page.getByLabel(`Nachricht an ${patient}`).fill('Ich komme in 5 Minuten.');
    await entry.getByRole('button', { name: 'Senden', exact: true }).click();
    await expect(p.getByText('Ich komme in 5 Minuten.')).toBeVisible();

    // Reloading keeps the place: straight back into the waiting room, no code.
    await p.reload();
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
    await expect(p.getByText('Ich komme in 5 Minuten.')).toBeVisible();
    // A note to everybody waiting (folded under the list until opened) reaches the room too.
    await panel.locator('.note-all > summary').click();
    await panel.getByLabel('Nachricht an alle Wartenden').fill('Die Sprechstunde beginnt gleich.');
    await panel.locator('.note-all').getByRole('button', { name: 'Senden', exact: true }).click();
    await expect(p.getByText('Die Sprechstunde beginnt gleich.')).toBeVisible();
    await expect(panel.getByLabel('Nachricht an alle Wartenden')).toHaveValue('');

    // Admit: no consent on record, so the panel asks first; "Abbrechen" keeps the patient waiting.
    await expect(entry).toContainText('Einwilligung: fehlt');
    await entry.getByRole('button', { name: 'Eintreten lassen' }).click();
    await expect(entry.getByRole('alertdialog')).toContainText('keine bestätigte Einverständniserklärung');
    await entry.getByRole('button', { name: 'Abbrechen' }).click();
    await expect(entry.getByRole('alertdialog')).toHaveCount(0);
    await expect(entry).toContainText(/wartet seit/);
    // The doctor confirms consent was given otherwise: the doctor's tab opens the call page,
    // the patient's room turns into the call.
    await admitWithoutConsent(entry);
    await expect(page).toHaveURL(/\/praxis\/gespraech\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { name: `Gespräch mit ${patient}` })).toBeVisible();
    await expect(p.getByRole('heading', { name: 'Videosprechstunde', exact: true })).toBeVisible();
    await expect(p.getByText('Ihre Praxis hat Sie hereingebeten.')).toBeVisible();
    await expect(panel.getByRole('listitem').filter({ hasText: patient })).toContainText('im Gespräch seit');

    // Back to the waiting room (the call itself: call.spec.ts), then the end.
    await page.getByRole('region', { name: `Gespräch mit ${patient}` }).getByRole('button', { name: 'Zurück ins Wartezimmer' }).click();
    await expect(p.getByText('Sie sind wieder im Wartezimmer.', { exact: false })).toBeVisible();
    await expect(entry).toContainText(/wartet seit/);
    await admitWithoutConsent(entry);
    await expect(page).toHaveURL(/\/praxis\/gespraech\/[0-9a-f-]{36}$/);
    // The second call's clock counts one second per second: the first call's timers ended with
    // it (they once went on, each adding its second).
    const clock = p.locator('.call-timer time');
    await expect(p.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' })).toBeVisible({ timeout: 40_000 });
    await expect(clock).not.toHaveText('00:00');
    const seconds = async () => (await clock.textContent())!.split(':').map(Number).reduce((a, b) => a * 60 + b, 0);
    const before = await seconds();
    await p.waitForTimeout(4_000);
    const counted = (await seconds()) - before;
    expect(counted, 'seconds the call clock counted in 4 s').toBeGreaterThanOrEqual(3);
    expect(counted, 'seconds the call clock counted in 4 s').toBeLessThanOrEqual(5);
    await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
    await page.getByRole('button', { name: 'Ja, beenden' }).click();
    await expect(page.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible();
    // After the end nothing still describes the running call.
    const callRegion = page.getByRole('region', { name: `Gespräch mit ${patient}` });
    await expect(callRegion.getByText(/im Gespräch seit/)).toBeHidden();
    await expect(callRegion.getByRole('button', { name: 'Zurück ins Wartezimmer' })).toBeHidden();
    await expect(p.getByText('Vielen Dank, dass Sie die Videosprechstunde genutzt haben.')).toBeVisible();
    await expect(p.getByText('Sie können das Fenster jetzt schließen.')).toBeVisible();
    await expect(p.getByRole('heading', { name: 'Einverständniserklärung' })).toBeHidden();
    await expect(p.getByText(/ist beendet/)).toHaveCount(1);
    await page.goto('/praxis');
    await panel.getByText('heute erledigt (1)').click();
    await expect(panel.getByRole('listitem').filter({ hasText: patient })).toContainText('beendet');
  } finally {
    await patientBrowser.close();
  }
});

test('Wartezimmer in einem dritten Fenster: die Seite sagt, dass zu viele Fenster offen sind, und kommt nach dem Schließen eines anderen von selbst wieder', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Fenja Fenster ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `fenster.${stamp}@praxis-e2e.de`, 'Praxis Fenster');
  const code = await bookNow(page, patient, `fenster.${stamp}@example.org`);
  const patientBrowser = await patientChromium();
  try {
    const context = await patientBrowser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE', permissions: ['camera', 'microphone'] });
    const first = await context.newPage();
    await enterAndPassTechTest(first, patient, code);
    // Said once the server has the window's socket (and the practice's list the patient).
    const waiting = (p: Page) => expect(p.getByText('Ihre Praxis wurde benachrichtigt und holt Sie gleich herein.', { exact: false })).toBeVisible({ timeout: 40_000 });
    await waiting(first);
    // A pass holds two sockets (the page and a reload that overlaps it): the second window
    // waits too, the third hears why it cannot. The second's socket is held back first: until
    // it is through, the page does not claim the practice was notified.
    const second = await context.newPage();
    let letThrough = () => {};
    const through = new Promise<void>((resolve) => { letThrough = resolve; });
    await second.routeWebSocket(/\/signal/, async (ws) => {
      await through;
      ws.connectToServer();
    });
    await second.goto('/videosprechstunde/raum');
    await expect(second.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
    await expect(second.getByRole('status').filter({ hasText: 'Ihre Praxis wird benachrichtigt … Bitte lassen Sie diese Seite geöffnet.' })).toBeVisible();
    letThrough();
    await waiting(second);
    const third = await context.newPage();
    await third.goto('/videosprechstunde/raum');
    await expect(third.getByText('Zu viele offene Verbindungen: Bitte schließen Sie andere Fenster dieser Seite.')).toBeVisible();
    await second.close();
    // It tries again by itself (at its longest pause, 4–12 s).
    await waiting(third);
    await waiting(first);
  } finally {
    await patientBrowser.close();
  }
});

test('Wartezimmer verlassen: die Patientin geht, die Ärztin sieht es sofort, der alte Raum öffnet sich nicht mehr, mit dem Code kommt sie wieder herein', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Lena Leave ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `verlassen.${stamp}@praxis-e2e.de`, 'Praxis Verlassen');
  const code = await bookNow(page, patient, `verlassen.${stamp}@example.org`);
  await page.goto('/praxis');
  const panel = page.locator('details.waiting-panel');
  const entry = panel.getByRole('listitem').filter({ hasText: patient });
  const patientBrowser = await patientChromium();
  try {
    const context = await patientPhone(patientBrowser, test.info().project.use.baseURL!);
    const p = await context.newPage();
    await enterAndPassTechTest(p, patient, code);
    await expect(entry).toContainText(/wartet seit/);

    await p.getByRole('button', { name: 'Wartezimmer verlassen' }).click();
    await expect(p).toHaveURL(/\/videosprechstunde\?verlassen$/);
    await expect(p.getByText('Sie haben das Wartezimmer verlassen.', { exact: false })).toBeVisible();
    await expect(p.getByText('Mit Ihrem Zugangscode können Sie bis zum Ende des Termins wieder eintreten.', { exact: false })).toBeVisible();
    // The doctor's list says so at once, without a reload.
    await expect(entry).toContainText('hat das Wartezimmer verlassen');
    await expect(panel.locator(':scope > summary')).toContainText('niemand wartet');

    // The room's address no longer opens the room: it says why and leads to the entrance.
    await p.goto('/videosprechstunde/raum');
    await expect(p.getByRole('alert')).toContainText('Ihr Zugang ist abgelaufen oder wurde beendet. Bitte geben Sie Ihren Zugangscode erneut ein.');
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toHaveCount(0);
    await p.getByRole('link', { name: 'Zum Eingang' }).click();
    await expect(p.getByRole('button', { name: 'Raum betreten' })).toBeVisible();

    // The code still opens the room until the appointment ends.
    await enterAndPassTechTest(p, patient, code);
    await expect(entry).toContainText(/wartet seit/);
    await expect(panel.locator(':scope > summary')).toContainText('1 wartet');
  } finally {
    await patientBrowser.close();
  }
});

test('Ein Server mit neuer Protokollversion, während das Wartezimmer offen ist: die Seite bittet, sie neu zu laden, und wartet danach weiter', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Vera Version ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `version.${stamp}@praxis-e2e.de`, 'Praxis Version');
  const code = await bookNow(page, patient, `version.${stamp}@example.org`);
  await page.goto('/praxis');
  const entry = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
  const patientBrowser = await patientChromium();
  try {
    const context = await patientPhone(patientBrowser, test.info().project.use.baseURL!);
    const p = await context.newPage();
    // The page's socket passes through the test, which can speak as a server deployed meanwhile.
    const sockets: WebSocketRoute[] = [];
    await p.routeWebSocket(/\/signal/, (ws) => {
      ws.connectToServer();
      sockets.push(ws);
    });
    await enterAndPassTechTest(p, patient, code);
    await expect(entry).toContainText(/wartet seit/);
    const notice = p.getByRole('status').filter({ hasText: 'Sprechzimmer wurde gerade aktualisiert. Bitte laden Sie die Seite neu; es geht dort weiter, wo Sie waren.' });
    await expect(notice).toHaveCount(0);

    // Version 2 of the protocol: a message this page would otherwise read field by field.
    sockets.at(-1)!.send(JSON.stringify({ v: 2, type: 'waiting_room', phase: 'waiting', note: null, practice: 'Praxis Version' }));
    await expect(notice).toBeVisible();
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
    expect(await lookAt(p), 'the waiting room asking for a reload, 360 px').toEqual([]);
    await p.screenshot({ path: test.info().outputPath('reload-asked-360.png') });
    // The connection drops and comes back: the page still runs the old code, so the request
    // stays (a lost and a restored connection each set their own line there otherwise).
    const before = sockets.length;
    await sockets.at(-1)!.close();
    await expect.poll(() => sockets.length).toBeGreaterThan(before);
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
    await expect(notice).toBeVisible();

    // Reloaded, the page speaks the server's version again: still waiting, the doctor sees her.
    // (The list keeps a patient 5 s after her socket closes, so the page's own word that the
    // server has its new socket is the proof.)
    await p.reload();
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
    await expect(p.getByRole('status').filter({ hasText: 'Ihre Praxis wurde benachrichtigt' })).toBeVisible();
    await expect(notice).toHaveCount(0);
    await expect(entry).toContainText(/wartet seit/);
  } finally {
    await patientBrowser.close();
  }
});
