import { mkdirSync, rmSync } from 'node:fs';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { OwnServer } from './own-server';
import { admitAndSeeEachOther, admitWithoutConsent, bookNow, callOn, callStats, connected, enterAndPassTechTest, expectFramesFlowing, explainFailure, frameSamples, lettersOf, nextListOnNewSocket, patientChromium, recordPeers } from './room';
import { lookAt } from './look';

test('Nur über den eingebetteten TURN-Server: die Verbindung steht über das Relay; ein drittes Fenster wird abgewiesen; Neuladen tritt wieder bei', async ({ page }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const patient = `Rita Relais ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `relais.${stamp}@praxis-e2e.de`, 'Praxis Relais');
  const code = await bookNow(page, patient, `relais.${stamp}@example.org`);
  // Both browsers may use relay candidates only: the media must pass our TURN service. (TURN
  // over TCP is tested in Rust, server/tests/api/turn.rs: Chromium does not open TCP TURN
  // connections to a server on loopback.)
  await page.addInitScript(recordPeers(true));
  await page.goto('/praxis');
  const patientBrowser = await patientChromium();
  try {
    const context = await patientBrowser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE', permissions: ['camera', 'microphone'] });
    await context.addInitScript(recordPeers(true));
    const p = await context.newPage();
    await enterAndPassTechTest(p, patient, code);
    await admitAndSeeEachOther(page, p, patient);
    for (const side of [page, p]) {
      const stats = await callStats(side);
      expect(stats.localType, 'through the TURN relay').toBe('relay');
    }
    expect((await callStats(page)).relayProtocol).toBe('udp');
    await expect(page.locator('.quality')).toContainText('über den Vermittlungsserver', { timeout: 20_000 });
    const codeBefore = await page.locator('.verification .code').textContent();
    expect(await p.locator('.verification .code').textContent()).toBe(codeBefore);

    // A third window on the same call (the doctor's second tab) is refused; the call goes on.
    const third = await page.context().newPage();
    await third.goto(page.url());
    await expect(third.getByRole('alert').filter({ hasText: 'bereits in einem anderen Fenster geöffnet' })).toBeVisible();
    await third.close();
    await expectFramesFlowing(p);

    // The patient reloads: the same call again, a fresh connection with a new code.
    await p.reload();
    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      await expect(connected(p)).toBeVisible({ timeout: 40_000 });
      await expectFramesFlowing(p);
      await expectFramesFlowing(page);
    });
    await expect(p.locator('.verification .code')).toHaveText(/^\d{3} \d{3}$/);
    await expect(page.locator('.verification .code')).toHaveText((await p.locator('.verification .code').textContent())!);
  } finally {
    await patientBrowser.close();
  }
});

test('Neustart des Servers mitten im Gespräch: Bild und Ton laufen weiter, beide Seiten verbinden sich wieder', async ({ browser }) => {
  test.setTimeout(300_000);
  const stamp = Date.now();
  const patient = `Nora Neustart ${lettersOf(stamp)}`;
  const dir = `${process.env.E2E_DATA_DIR}/restart-${stamp}`;
  mkdirSync(dir, { recursive: true });
  const server = await OwnServer.create(dir);
  await server.start();
  let running;
  try {
    running = await callOn(browser, server.url, { patient, slug: 'neustart', practice: 'Praxis Neustart' });
  } catch (e) {
    await server.stop();
    throw e;
  }
  const { page, p, doctorContext, patientBrowser } = running;
  try {
    const code1 = await page.locator('.verification .code').textContent();

    // Frames keep increasing on both sides while the server stops, is away and comes back.
    const frames = frameSamples(page, p);
    const sample = frames.sample;
    await sample();
    await server.stop();
    await sample();
    await sample();
    // A list sent by the new server is the proof that the doctor's page reconnected.
    const listFromNewServer = nextListOnNewSocket(page);
    await server.start();
    await sample();
    // Both pages reconnect their signalling socket by themselves and show the call again.
    await listFromNewServer;
    await expect(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }))
      .toContainText('im Gespräch seit', { timeout: 60_000 });
    await expect(connected(page)).toBeVisible();
    await expect(connected(p)).toBeVisible();
    await sample();
    frames.expectRising();
    // The same connection: no renegotiation, the same verification code.
    await expect(page.locator('.verification .code')).toHaveText(code1!);
    // And the call still works through the new server: hang up reaches both.
    await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
    await page.getByRole('button', { name: 'Ja, beenden' }).click();
    // (If the call page's socket is still waiting to reconnect, the hang-up goes out once it is
    // back: its pauses are 1, 2, 4, then 8 s, each spread to half to one and a half times, so
    // up to 12 s after the server is back; 20 s here failed once in a full run.)
    await expect(page.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible({ timeout: 60_000 });
    // The hang-up travels over two sockets that may both still be in their reconnect pause:
    // up to about 24 s after the server is back, more on a loaded machine (seen with four
    // workers in parallel).
    await expect(p.getByText('Sie können das Fenster jetzt schließen.')).toBeVisible({ timeout: 80_000 });
    await doctorContext.close();
  } finally {
    await patientBrowser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Der Code des Gesprächs lädt erst im Wartezimmer; lässt er sich beim Eintreten nicht laden, sagt das Gespräch es und verbindet, sobald er da ist', async ({ page }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const patient = `Lena Laden ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `laden.${stamp}@praxis-e2e.de`, 'Praxis Nachladen');
  const code = await bookNow(page, patient, `laden.${stamp}@example.org`);
  await page.addInitScript(recordPeers(false));
  await page.goto('/praxis');
  const patientBrowser = await patientChromium();
  try {
    const context = await patientBrowser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE', permissions: ['camera', 'microphone'] });
    await context.addInitScript(recordPeers(false));
    const p = await context.newPage();
    // The call's code (a part of the patient's bundle, loaded on use) is not part of the first
    // load: the start page and the entry form fetch none of it.
    const parts: string[] = [];
    p.on('request', (request) => { if (/\/pkg\/sprechzimmer-patient\.[0-9a-f]{12}\.(split|chunk)_/.test(request.url())) parts.push(request.url()); });
    await p.goto('/');
    await p.goto('/videosprechstunde');
    await p.waitForLoadState('networkidle');
    expect(parts).toEqual([]);

    // Without a connection for it (blocked here), the waiting room works as before.
    await p.route(/\.split_call\.wasm$/, (route) => route.abort());
    await enterAndPassTechTest(p, patient, code);
    // Fetched while the patient waits (blocked here), so that letting in does not wait for it.
    await expect.poll(() => parts.filter((u) => u.includes('.split_call.')).length).toBeGreaterThan(0);

    // Let in while the code cannot be loaded: the patient reads why, nothing connects…
    await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
    await expect(p.getByRole('alert').filter({ hasText: 'Die Videoverbindung kann gerade nicht geladen werden.' })).toBeVisible({ timeout: 40_000 });
    await expect(connected(page)).toBeHidden();
    expect(await lookAt(p), 'the call screen with the message').toEqual([]);
    await p.screenshot({ path: test.info().outputPath('call-not-loaded.png') });
    // … and once it can, the call connects by itself and the message goes.
    await p.unroute(/\.split_call\.wasm$/);
    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      await expect(connected(page)).toBeVisible({ timeout: 40_000 });
      await expect(connected(p)).toBeVisible();
      await expectFramesFlowing(page);
      await expectFramesFlowing(p);
    });
    await expect(p.getByRole('alert').filter({ hasText: 'Die Videoverbindung kann gerade nicht geladen werden.' })).toBeHidden();
  } finally {
    await patientBrowser.close();
  }
});
