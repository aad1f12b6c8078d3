import { spawn, ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { admitWithoutConsent, bookNow, callStats, enterAndPassTechTest, expectFramesFlowing, explainFailure, lettersOf, patientChromium, recordPeers } from './room';
import type { Page } from '@playwright/test';

/**
 * The call relayed through an external TURN server: coturn (started by scripts/test.sh with
 * `start_coturn` from scripts/lib.sh, TURN REST secret) and a server of our own configured for
 * it — `ice.turn_urls`, `ice.turn_secret`, `ice.force_relay` — so the embedded TURN is off and
 * both browsers may use relay candidates only, as the app itself tells them.
 */
const coturnUrl = process.env.SPRECHZIMMER_TEST_COTURN_URL;
const coturnSecret = process.env.SPRECHZIMMER_TEST_COTURN_SECRET;

/** A TCP port nobody listens on now (the kernel's pick). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The release server with the external TURN settings, on a free port. */
class CoturnServer {
  process?: ChildProcess;
  constructor(readonly port: number, readonly dir: string) {}
  get url() { return `http://127.0.0.1:${this.port}`; }
  async start() {
    this.process = spawn(process.env.SERVER_BIN!, [], {
      cwd: `${__dirname}/../..`,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        LEPTOS_SITE_ADDR: `127.0.0.1:${this.port}`,
        LEPTOS_SITE_ROOT: 'target/site',
        APP_ENVIRONMENT: 'local',
        DATABASE_URL: `sqlite://${this.dir}/coturn.db`,
        APP_APPLICATION__BASE_URL: this.url,
        APP_EMAIL__TRANSPORT: 'file',
        // The same outbox as the main server: the mail helpers read it.
        APP_EMAIL__OUTBOX_DIR: process.env.E2E_OUTBOX_DIR!,
        APP_ICE__TURN_URLS: coturnUrl!,
        APP_ICE__TURN_SECRET: coturnSecret!,
        APP_ICE__FORCE_RELAY: 'true',
        RUST_LOG: 'warn',
      },
    });
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${this.url}/health/ready`)).ok) return;
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the server for coturn did not start');
  }
  async stop() {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

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
  test.setTimeout(120_000);
  const stamp = Date.now();
  const patient = `Clara Coturn ${lettersOf(stamp)}`;
  const dir = `${process.env.E2E_DATA_DIR}/coturn-${stamp}`;
  mkdirSync(dir, { recursive: true });
  const server = new CoturnServer(await freePort(), dir);
  await server.start();
  const patientBrowser = await patientChromium();
  try {
    // The page's own configuration only (recordPeers(false) records, forces nothing): the
    // relay-only policy comes from the server's call_ready.
    const doctorContext = await browser.newContext({ baseURL: server.url, locale: 'de-DE', permissions: ['camera', 'microphone'] });
    await doctorContext.addInitScript(recordPeers(false));
    const page = await doctorContext.newPage();
    await newPracticeLoggedIn(page, `coturn.${stamp}@praxis-e2e.de`, 'Praxis Coturn');
    const code = await bookNow(page, patient, `coturn.${stamp}@example.org`);
    await page.goto('/praxis');
    const context = await patientBrowser.newContext({ baseURL: server.url, locale: 'de-DE', permissions: ['camera', 'microphone'] });
    await context.addInitScript(recordPeers(false));
    const p = await context.newPage();
    await enterAndPassTechTest(p, patient, code);
    await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      await expect(page.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' })).toBeVisible({ timeout: 20_000 });
      await expectFramesFlowing(page);
      await expectFramesFlowing(p);
    });
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
    await expect(p.getByText('Sie können das Fenster jetzt schließen.')).toBeVisible({ timeout: 15_000 });
    await doctorContext.close();
  } finally {
    await patientBrowser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
