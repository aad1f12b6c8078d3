import { mkdirSync, rmSync } from 'node:fs';
import { test, expect } from './fixtures';
import { OwnServer } from './own-server';
import { callOn, callStats, lettersOf } from './room';
import type { Page } from '@playwright/test';

/**
 * The call relayed through an external TURN server: coturn (started by scripts/test.sh with
 * `start_coturn` from scripts/lib.sh, TURN REST secret) and a server of our own configured for
 * it — `ice.turn_urls`, `ice.turn_secret`, `ice.force_relay` — so the embedded TURN is off and
 * both browsers may use relay candidates only, as the app itself tells them.
 */
const coturnUrl = process.env.SPRECHZIMMER_TEST_COTURN_URL;
const coturnSecret = process.env.SPRECHZIMMER_TEST_COTURN_SECRET;

/** The TURN server the local candidate of the call's selected path came from. */
async function relayServerOf(p: Page): Promise<string | null> {
  return p.evaluate(async () => {
    const peers = ((window as any).__peers as RTCPeerConnection[]).filter((pc) => pc.connectionState !== 'closed');
    const report = await peers[peers.length - 1].getStats();
    const all: any[] = [];
    report.forEach((s) => all.push(s));
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = all.find((s) => s.id === transport?.selectedCandidatePairId);
    return all.find((s) => s.id === pair?.localCandidateId)?.url ?? null;
  });
}

test('Nur über einen externen TURN-Server (coturn): Zugangsdaten im TURN-REST-Format, die Verbindung steht über dessen Relay', async ({ browser }) => {
  if (!coturnUrl || !coturnSecret) {
    throw new Error('SPRECHZIMMER_TEST_COTURN_URL/_SECRET are not set: this journey needs coturn. Run `bash scripts/test.sh`, '
      + 'or start it inside the loopback namespace with `source scripts/lib.sh && start_coturn` before `npx playwright test` (see README, Security).');
  }
  test.setTimeout(240_000);
  const stamp = Date.now();
  const patient = `Clara Coturn ${lettersOf(stamp)}`;
  const dir = `${process.env.E2E_DATA_DIR}/coturn-${stamp}`;
  mkdirSync(dir, { recursive: true });
  const server = await OwnServer.create(dir, {
    APP_ICE__TURN_URLS: coturnUrl,
    APP_ICE__TURN_SECRET: coturnSecret,
    APP_ICE__FORCE_RELAY: 'true',
  });
  await server.start();
  let running;
  try {
    // The page's own configuration only (recordPeers(false) records, forces nothing): the
    // relay-only policy comes from the server's call_ready.
    running = await callOn(browser, server.url, { patient, slug: 'coturn', practice: 'Praxis Coturn' });
  } catch (e) {
    await server.stop();
    throw e;
  }
  const { page, p, doctorContext, patientBrowser } = running;
  try {
    const coturnAddress = new URL(coturnUrl.replace(/^turn:/, 'turn://')).host;
    for (const side of [page, p]) {
      const stats = await callStats(side);
      expect(stats.localType, 'through a TURN relay').toBe('relay');
      expect(stats.relayProtocol).toBe('udp');
      expect(await relayServerOf(side), 'coturn, not the embedded service').toContain(coturnAddress);
    }
    // The same verification code on both sides: the relay sits in no encryption.
    const codeOf = (side: Page) => side.locator('.verification .code');
    await expect(codeOf(page)).toHaveText(/^\d{3} \d{3}$/);
    expect(await codeOf(p).textContent()).toBe(await codeOf(page).textContent());
    await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
    await page.getByRole('button', { name: 'Ja, beenden' }).click();
    await expect(p.getByText('Sie können das Fenster jetzt schließen.')).toBeVisible({ timeout: 30_000 });
    await doctorContext.close();
  } finally {
    await patientBrowser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
