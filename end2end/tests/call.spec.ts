import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { lookAt } from './look';
import { newPracticeLoggedIn } from './practice';
import { admitWithoutConsent, bookNow, callStats, enterAndPassTechTest, expectFramesFlowing, explainFailure, lettersOf, nextListOnNewSocket, patientChromium, patientPhone, recordPeers } from './room';

test('Videosprechstunde: Ärztin lässt ein, beide sehen sich direkt, vergleichen den Sicherheitscode, schreiben, schalten Mikrofon und Kamera aus und beenden', async ({ page }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const patient = `Paula Anruf ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `anruf.${stamp}@praxis-e2e.de`, 'Praxis Videogespräch');
  const code = await bookNow(page, patient, `anruf.${stamp}@example.org`);
  await page.addInitScript(recordPeers(false));
  await page.goto('/praxis');

  const patientBrowser = await patientChromium();
  try {
    const context = await patientPhone(patientBrowser, test.info().project.use.baseURL!);
    await context.addInitScript(recordPeers(false));
    const p = await context.newPage();
    const errors: string[] = [];
    for (const [side, pg] of [['Ärztin', page], ['Patientin', p]] as const) {
      pg.on('pageerror', (e) => errors.push(`${side}: ${e.message}`));
      pg.on('console', (m) => { if (m.type() === 'error') errors.push(`${side}: ${m.text()}`); });
    }
    await enterAndPassTechTest(p, patient, code);

    const entry = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
    await admitWithoutConsent(entry);
    await expect(page).toHaveURL(/\/praxis\/gespraech\/[0-9a-f-]{36}$/);

    // Both see the other's video, directly between the two browsers on loopback.
    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      await expect(page.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' }), errors.join('\n')).toBeVisible({ timeout: 40_000 });
      await expect(p.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' })).toBeVisible();
      await expectFramesFlowing(page);
      await expectFramesFlowing(p);
    });
    for (const side of [page, p]) {
      const stats = await callStats(side);
      expect(stats.localType, 'a direct (host) path').toBe('host');
      expect(stats.remoteType).toBe('host');
      expect(stats.remotePort, 'never through the app server').not.toBe(Number(new URL(test.info().project.use.baseURL!).port));
    }
    await expect(page.getByLabel(`Video von ${patient}`)).toBeVisible();
    await expect(p.getByLabel('Video von Praxis Videogespräch')).toBeVisible();

    // The call comes first: on a laptop, a small laptop and a phone the doctor sees the
    // patient's picture and "Sprechstunde beenden" without scrolling; so does the patient on
    // the phone, and the connection state does not cover the picture.
    const inFirstScreen = async (side: typeof page, name: string, label: string) => {
      await side.evaluate(() => window.scrollTo(0, 0));
      const { width, height } = side.viewportSize()!;
      for (const [what, target] of [['video', side.getByLabel(name)], ['Sprechstunde beenden', side.getByRole('button', { name: 'Sprechstunde beenden' })]] as const) {
        const box = (await target.boundingBox())!;
        expect(box, `${what} (${label})`).not.toBeNull();
        expect(box.y, `${what} top at ${width}×${height} (${label})`).toBeGreaterThanOrEqual(0);
        expect(box.x, `${what} left at ${width}×${height} (${label})`).toBeGreaterThanOrEqual(0);
        expect(box.y + box.height, `${what} bottom at ${width}×${height} (${label})`).toBeLessThanOrEqual(height);
        expect(box.x + box.width, `${what} right at ${width}×${height} (${label})`).toBeLessThanOrEqual(width);
      }
    };
    for (const size of [{ width: 1366, height: 900 }, { width: 1280, height: 720 }, { width: 360, height: 740 }]) {
      await page.setViewportSize(size);
      await inFirstScreen(page, `Video von ${patient}`, 'Ärztin');
      await page.screenshot({ path: test.info().outputPath(`call-doctor-${size.width}.png`) });
      // The page crawl's checks (look.ts) on the call itself, which the crawl cannot reach.
      const problems = await lookAt(page);
      expect(problems, `the doctor's call at ${size.width} px:\n${problems.join('\n')}`).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await inFirstScreen(p, 'Video von Praxis Videogespräch', 'Patientin');
    await p.screenshot({ path: test.info().outputPath('call-patient-360.png') });
    const problems = await lookAt(p);
    expect(problems, `the patient's call:\n${problems.join('\n')}`).toEqual([]);
    const stage = (await p.locator('.call-stage').boundingBox())!;
    const state = (await p.getByRole('status').filter({ hasText: 'Verbunden' }).boundingBox())!;
    expect(state.y, 'the connection state stands below the picture').toBeGreaterThanOrEqual(stage.y + stage.height);

    // The same verification code on both sides.
    const codeOf = (side: typeof page) => side.locator('.verification .code');
    await expect(codeOf(page)).toHaveText(/^\d{3} \d{3}$/);
    await expect(codeOf(p)).toHaveText(/^\d{3} \d{3}$/);
    expect(await codeOf(p).textContent()).toBe(await codeOf(page).textContent());

    // The connection quality is measured and shown in plain words.
    await expect(page.locator('.quality')).toContainText(/Verbindung (gut|ausreichend|schwach).*direkt/, { timeout: 20_000 });
    await expect(page.locator('.call-timer time')).toHaveText(/^\d\d:\d\d$/);

    // Chat, end to end over the data channel.
    await page.getByLabel('Ihre Nachricht').fill('Können Sie mich gut hören?');
    await page.getByRole('button', { name: 'Senden', exact: true }).click();
    await expect(p.locator('.chat-lines')).toContainText('Können Sie mich gut hören?');
    await p.getByLabel('Ihre Nachricht').fill('Ja, sehr gut.');
    await p.getByLabel('Ihre Nachricht').press('Enter');
    await expect(page.locator('.chat-lines')).toContainText('Ja, sehr gut.');

    // Microphone and camera off on the patient's side show on the doctor's.
    await p.getByRole('button', { name: 'Mikrofon ausschalten' }).click();
    await expect(p.getByRole('button', { name: 'Mikrofon einschalten' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText(`${patient} hat das Mikrofon ausgeschaltet.`)).toBeVisible();
    await p.getByRole('button', { name: 'Kamera ausschalten' }).click();
    await expect(page.getByText(`${patient} hat die Kamera ausgeschaltet.`)).toBeVisible();
    await p.getByRole('button', { name: 'Kamera einschalten' }).click();
    await expect(page.getByText(`${patient} hat die Kamera ausgeschaltet.`)).toBeHidden();

    // The doctor reloads the call page: the same call again, both sides with a new connection.
    await page.reload();
    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      await expect(page.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' })).toBeVisible({ timeout: 40_000 });
      await expectFramesFlowing(page);
      await expectFramesFlowing(p);
    });
    await expect(codeOf(page)).toHaveText(/^\d{3} \d{3}$/);
    await expect(codeOf(p)).toHaveText((await codeOf(page).textContent())!);

    const axe = await new AxeBuilder({ page: p }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
    expect(axe.violations, 'axe on the call at 360 px').toEqual([]);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    // The doctor ends the consultation: both see the end.
    await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
    await page.getByRole('button', { name: 'Ja, beenden' }).click();
    await expect(page.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible();
    await expect(page.getByText(/^Beginn \d\d:\d\d Uhr, Ende \d\d:\d\d Uhr\.$/)).toBeVisible();
    await expect(p.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible();
    await expect(p.getByText('Sie können das Fenster jetzt schließen.')).toBeVisible();
    expect(errors, 'no script errors on either side').toEqual([]);
    // Finished appointments wait folded under "heute erledigt".
    await page.getByRole('link', { name: 'Zurück zur Warteliste' }).click();
    const doneSummary = page.locator('details.waiting-panel').getByText('heute erledigt (1)');
    await expect(doneSummary).toBeVisible();
    // Unfolded before the page's code has run (held back here, as on a slow phone), the list
    // stays unfolded when the live list arrives over the socket and is drawn again.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    await page.reload();
    const rosterArrived = nextListOnNewSocket(page);
    await doneSummary.click();
    const done = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
    await expect(done).toContainText('beendet');
    release();
    await rosterArrived;
    await page.evaluate(() => new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn))));
    await expect(done).toContainText('beendet');
    await page.unroute('**/*.wasm');
  } finally {
    await patientBrowser.close();
  }
});

/** Holds the live list's socket (`?seite=praxis`) in its opening state until
 * `window.__openSignal()`: the page's code runs and its buttons work, the socket is not open yet. */
const HOLD_LIST_SOCKET = `(() => {
  const Real = window.WebSocket;
  let release;
  const gate = new Promise((r) => { release = r; });
  window.__openSignal = () => release();
  window.WebSocket = function (url, protocols) {
    if (!String(url).includes('seite=praxis')) return new Real(url, protocols);
    const held = { readyState: 0, onopen: null, onmessage: null, onclose: null, onerror: null, closed: false,
      send() { throw new DOMException('still connecting', 'InvalidStateError'); },
      close() { held.closed = true; held.readyState = 3; } };
    gate.then(() => {
      if (held.closed) return;
      const ws = new Real(url, protocols);
      held.send = (d) => ws.send(d);
      held.close = (...a) => ws.close(...a);
      ws.onopen = (e) => { held.readyState = 1; if (held.onopen) held.onopen(e); };
      ws.onmessage = (e) => { if (held.onmessage) held.onmessage(e); };
      ws.onclose = (e) => { held.readyState = 3; if (held.onclose) held.onclose(e); };
      ws.onerror = (e) => { if (held.onerror) held.onerror(e); };
    });
    return held;
  };
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})()`;

test('Eintreten lassen, während die Verbindung der Liste noch aufgebaut wird: die Ärztin kommt trotzdem ins Gespräch', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Paula Frühklick ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `fruehklick.${stamp}@praxis-e2e.de`, 'Praxis Frühklick');
  const code = await bookNow(page, patient, `fruehklick.${stamp}@example.org`);

  const patientBrowser = await patientChromium();
  try {
    const context = await patientPhone(patientBrowser, test.info().project.use.baseURL!);
    const p = await context.newPage();
    await enterAndPassTechTest(p, patient, code);

    // The doctor sees her waiting; then the page again as sent (the list in it), its buttons
    // working, its socket not open yet.
    await page.goto('/praxis');
    const entry = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
    await expect(entry).toContainText('wartet seit');
    await page.addInitScript(HOLD_LIST_SOCKET);
    await page.reload();
    await expect(entry).toContainText('wartet seit');
    await admitWithoutConsent(entry);
    expect(await page.evaluate(() => location.pathname)).toBe('/praxis');

    // Once the socket opens, the admission goes out: the doctor's call page opens and the
    // patient leaves the waiting room.
    await page.evaluate(() => (window as unknown as { __openSignal: () => void }).__openSignal());
    await expect(page).toHaveURL(/\/praxis\/gespraech\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeHidden({ timeout: 30_000 });
  } finally {
    await patientBrowser.close();
  }
});

/** The doctor's camera is held by another program: every request for it fails as Chromium
 * reports it then (`NotReadableError`). */
const CAMERA_IN_USE = `(() => {
  navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
})()`;

test('Die Kamera der Ärztin ist belegt: die Gesprächsseite sagt es und kann die Sprechstunde trotzdem beenden', async ({ page }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Berta Belegt ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `belegt.${stamp}@praxis-e2e.de`, 'Praxis Belegt');
  const code = await bookNow(page, patient, `belegt.${stamp}@example.org`);
  await page.addInitScript(CAMERA_IN_USE);
  await page.goto('/praxis');
  const patientBrowser = await patientChromium();
  try {
    const context = await patientPhone(patientBrowser, test.info().project.use.baseURL!);
    const p = await context.newPage();
    await enterAndPassTechTest(p, patient, code);
    await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
    await expect(page).toHaveURL(/\/praxis\/gespraech\/[0-9a-f-]{36}$/);
    await expect(page.getByText('Ein anderes Programm benutzt gerade die Kamera.', { exact: false })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'Ohne Kamera und Mikrofon nimmt diese Seite nicht am Gespräch teil.' })).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('camera-in-use.png') });
    await expect(p.getByText('Ihre Praxis hat Sie hereingebeten.')).toBeVisible();
    await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
    await page.getByRole('button', { name: 'Ja, beenden' }).click();
    await expect(page.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible();
    await expect(p.getByText('Sie können das Fenster jetzt schließen.')).toBeVisible();
  } finally {
    await patientBrowser.close();
  }
});
