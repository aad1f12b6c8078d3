import puppeteer, { Browser as Firefox, Page as FirefoxPage } from 'puppeteer-core';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { admitWithoutConsent, bookNow, callStats, expectFramesFlowing, lettersOf, recordPeers } from './room';

// Patients use Firefox too: a Chromium doctor with a Firefox ESR patient, headless, driven over
// WebDriver BiDi (puppeteer-core), with Firefox's fake camera and microphone.
const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
};

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeout = 20_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeout} ms`);
}

/** Clicks `selector` in Firefox until `done` holds: under load a click can land while the
 * button moves (the tech test's list grows), as a person would simply click again. */
async function clickUntil(fp: FirefoxPage, selector: string, done: () => Promise<boolean>, timeout = 20_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    await fp.locator(selector).setTimeout(Math.max(1_000, end - Date.now())).click();
    for (let i = 0; i < 20; i++) {
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`clicking ${selector} had no effect within ${timeout} ms`);
}

const exists = (fp: FirefoxPage, selector: string) => fp.$(selector).then((e) => e !== null);

const text = (fp: FirefoxPage, selector: string) => fp.$eval(selector, (e) => e.textContent ?? '').catch(() => '');

test('Videosprechstunde zwischen Chromium (Ärztin) und Firefox ESR (Patientin)', async ({ page }) => {
  test.setTimeout(150_000);
  const stamp = Date.now();
  const patient = `Frieda Fuchs ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `fuchs.${stamp}@praxis-e2e.de`, 'Praxis Fuchs');
  const code = await bookNow(page, patient, `fuchs.${stamp}@example.org`);
  await page.addInitScript(recordPeers(false));
  await page.goto('/praxis');

  const firefox: Firefox = await puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', executablePath: '/usr/bin/firefox-esr',
    headless: true, extraPrefsFirefox: firefoxPrefs,
    // A silent sound device (scripts/test.sh): without one Firefox keeps audio suspended.
    env: { ...process.env, PULSE_SERVER: process.env.SPRECHZIMMER_FIREFOX_PULSE_SERVER ?? '' },
  });
  try {
    const fp = await firefox.newPage();
    await fp.setViewport({ width: 360, height: 780 });
    await fp.evaluateOnNewDocument(recordPeers(false));
    const base = test.info().project.use.baseURL!;
    await fp.goto(`${base}/videosprechstunde`);
    await fp.locator('#entry-name').fill(patient);
    await fp.locator('#entry-code').fill(code);
    await fp.locator('button::-p-text(Raum betreten)').click();
    await fp.waitForFunction(() => location.pathname === '/videosprechstunde/raum');
    await clickUntil(fp, 'button::-p-text(Testton abspielen)', () => exists(fp, 'button::-p-text(Ich höre den Ton)'));
    // The microphone meter moves in Firefox too (scripts/test.sh gives the browsers a silent
    // sound device; without any, Firefox keeps audio suspended).
    await until('the microphone level moves in Firefox', () => fp.$eval('#mic-level', (m) => (m as HTMLMeterElement).value), (v) => v > 0);
    await fp.locator('button::-p-text(Ich höre den Ton)').click();
    await fp.locator('button::-p-text(Weiter ins Wartezimmer)').setTimeout(20_000).click();
    await fp.locator('h2::-p-text(Sie sind im Wartezimmer)').wait();

    await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
    await expect(page.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' })).toBeVisible({ timeout: 20_000 });
    await expectFramesFlowing(page);

    // Firefox receives and decodes the doctor's video, on a direct path.
    const stats = () => fp.evaluate(async () => {
      const peers = ((window as any).__peers as RTCPeerConnection[]).filter((pc) => pc.connectionState !== 'closed');
      const pc = peers[peers.length - 1];
      if (!pc) return { state: 'none', frames: 0, width: 0 };
      let frames = 0;
      (await pc.getStats()).forEach((s: any) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0; });
      const video = document.querySelector('video.remote-video') as HTMLVideoElement | null;
      return { state: pc.connectionState, frames, width: video?.videoWidth ?? 0 };
    });
    const first = await until('Firefox connected and decoding', stats, (s) => s.state === 'connected' && s.frames > 0 && s.width > 0);
    await until('Firefox frames increasing', stats, (s) => s.frames > first.frames + 10);
    expect((await callStats(page)).remoteType).toBe('host');

    // The same verification code on both sides.
    const doctorCode = (await page.locator('.verification .code').textContent())!;
    expect(doctorCode).toMatch(/^\d{3} \d{3}$/);
    await until('the same code in Firefox', () => text(fp, '.verification .code'), (c) => c === doctorCode);

    // Chat both ways; camera off in Firefox shows at the doctor's.
    await fp.locator('#chat-input').fill('Hallo aus Firefox');
    await fp.locator('.chat-form button::-p-text(Senden)').click();
    await expect(page.locator('.chat-lines')).toContainText('Hallo aus Firefox');
    await page.getByLabel('Ihre Nachricht').fill('Hallo zurück');
    await page.getByLabel('Ihre Nachricht').press('Enter');
    await until('chat in Firefox', () => text(fp, '.chat-lines'), (t) => t.includes('Hallo zurück'));
    await clickUntil(fp, '.call-controls button::-p-text(Kamera ausschalten)', () => exists(fp, '.call-controls button::-p-text(Kamera einschalten)'));
    await expect(page.getByText(`${patient} hat die Kamera ausgeschaltet.`)).toBeVisible();

    // The patient ends the consultation in Firefox.
    // (Clicks again when one had no effect, as for the camera above.)
    await clickUntil(fp, '.call-controls button::-p-text(Sprechstunde beenden)', () => exists(fp, 'button::-p-text(Ja, beenden)'));
    await clickUntil(fp, 'button::-p-text(Ja, beenden)', async () => (await text(fp, 'main')).includes('Sie können das Fenster jetzt schließen.'));
    await expect(page.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible();
  } finally {
    await firefox.close();
  }
});
