import { Browser as Firefox } from 'puppeteer-core';
import { clickUntil, enterInFirefox, exists, launchFirefox, text, until } from './firefox';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { admitWithoutConsent, bookNow, callStats, expectFramesFlowing, lettersOf, recordPeers } from './room';

test('Videosprechstunde zwischen Chromium (Ärztin) und Firefox ESR (Patientin)', async ({ page }) => {
  test.setTimeout(300_000);
  const stamp = Date.now();
  const patient = `Frieda Fuchs ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `fuchs.${stamp}@praxis-e2e.de`, 'Praxis Fuchs');
  const code = await bookNow(page, patient, `fuchs.${stamp}@example.org`);
  await page.addInitScript(recordPeers(false));
  await page.goto('/praxis');

  const firefox: Firefox = await launchFirefox();
  try {
    const fp = await firefox.newPage();
    await fp.setViewport({ width: 360, height: 780 });
    await fp.evaluateOnNewDocument(recordPeers(false));
    const base = test.info().project.use.baseURL!;
    // The microphone meter moves in Firefox too (scripts/test.sh gives the browsers a silent
    // sound device; without any, Firefox keeps audio suspended).
    await enterInFirefox(fp, base, patient, code);

    await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
    await expect(page.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' })).toBeVisible({ timeout: 40_000 });
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
