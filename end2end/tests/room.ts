import { Page, Locator, expect, chromium, Browser, BrowserContext } from '@playwright/test';
import { newPracticeLoggedIn } from './practice';
import { waitForMail } from './mail';
import { chromiumArgs } from '../playwright.config';

/** Today and the current minute in Berlin: an appointment starting now (the calendar takes up
 * to five minutes in the past), so the code is open and the appointment is today's. */
export function berlinNow(): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** A name part from a number (names take letters only): 1795 → "Bhjf". */
export function lettersOf(n: number): string {
  const s = String(n).split('').map((d) => 'abcdefghij'[Number(d)]).join('');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The logged-in doctor books a video appointment starting now; returns the access code. */
export async function bookNow(page: Page, patient: string, email: string): Promise<string> {
  const { date, time } = berlinNow();
  await page.goto(`/praxis/termine/neu?datum=${date}`);
  await page.getByLabel(/^Vollständiger Name/).fill(patient);
  await page.getByLabel(/^E-Mail-Adresse der Patientin/).fill(email);
  await page.getByLabel(/^Datum/).fill(date);
  await page.getByLabel(/^Uhrzeit/).fill(time);
  await page.getByLabel('Dauer').selectOption({ label: '30 Minuten' });
  const submit = page.getByRole('button', { name: 'Termin anlegen und Einladung senden' });
  await submit.click();
  const outside = page.getByLabel('Trotzdem eintragen (außerhalb der Sprechzeiten)');
  if (await outside.isVisible()) {
    await outside.check();
    await submit.click();
  }
  await expect(page.getByText('Der Termin ist angelegt; die Einladung ist unterwegs.')).toBeVisible();
  const invitation = await waitForMail(email, /Videosprechstunde am/);
  return /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/.exec(invitation.text)![0];
}

/** A Chromium of its own for the patient (a separate process, as on another device). */
export async function patientChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
}

/** The patient's phone in that browser: 360 × 780, German, camera and microphone allowed. */
export async function patientPhone(patientBrowser: Browser, baseURL: string): Promise<BrowserContext> {
  return patientBrowser.newContext({
    baseURL, locale: 'de-DE', viewport: { width: 360, height: 780 }, permissions: ['camera', 'microphone'],
  });
}

/** Resolves on the first waiting list (a `roster` message) that a socket `page` opens from now
 * on receives: the proof that the page's list is live again, since a list keeps showing what
 * it had while its link is down. */
export function nextListOnNewSocket(page: Page): Promise<void> {
  return new Promise((resolve) => page.on('websocket', (socket) => socket.on('framereceived', (frame) => {
    if (String(frame.payload).includes('"type":"roster"')) resolve();
  })));
}

/** Name and code at the entrance, "Raum betreten": the room opens with its tech test. */
export async function enterRoom(p: Page, name: string, code: string) {
  await p.goto('/videosprechstunde');
  await p.getByLabel(/^Ihr Name/).fill(name);
  await p.getByLabel(/^Zugangscode/).fill(code);
  await p.getByRole('button', { name: 'Raum betreten' }).click();
  await expect(p).toHaveURL(/\/videosprechstunde\/raum$/);
  await expect(p.getByRole('heading', { name: 'Technik-Test' })).toBeVisible();
}

/** Name and code at the entrance, then the automatic tech test (only the speaker needs the
 * patient's ear), then the waiting room. */
export async function enterAndPassTechTest(p: Page, name: string, code: string) {
  await enterRoom(p, name, code);
  await expect(p.getByRole('button', { name: 'Testton abspielen' })).toBeEnabled({ timeout: 30_000 });
  // Under load a click can come before the island listens (seen once in a full run, as in
  // Firefox): click again until the question appears.
  await expect(async () => {
    await p.getByRole('button', { name: 'Testton abspielen' }).click({ timeout: 2_000 });
    await expect(p.getByRole('button', { name: 'Ich höre den Ton' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 40_000 });
  await p.getByRole('button', { name: 'Ich höre den Ton' }).click({ timeout: 20_000 });
  await p.getByRole('button', { name: 'Weiter ins Wartezimmer' }).click({ timeout: 40_000 });
  await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
}

/**
 * Test-only: keeps every RTCPeerConnection the page creates in `window.__peers`, so the test
 * can read `getStats()` as a user's browser internals would show it (the app exposes none),
 * and logs each connection's negotiation and state changes in `window.__peerLog` (read by
 * `explainFailure` when a test fails).
 * With `relayOnly`, the browser may use the TURN relay (over UDP) only. TURN over TCP is left
 * out: Chromium does not open TCP TURN connections to a server on loopback (error 701 here);
 * server/tests/api/turn.rs tests it with a TCP client instead.
 */
export const recordPeers = (relayOnly: boolean) => `(() => {
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  window.__peerLog = [];
  const log = (n, what) => window.__peerLog.push((performance.now() / 1000).toFixed(2) + ' pc' + n + ' ' + what);
  const traced = (n, name, promise) => promise.then(
    (r) => { log(n, name + ' ok'); return r; },
    (e) => { log(n, name + ' failed: ' + e); throw e; });
  window.RTCPeerConnection = class extends Native {
    constructor(config, ...rest) {
      config = { ...(config || {}) };
      if (${relayOnly}) {
        config.iceTransportPolicy = 'relay';
        config.iceServers = (config.iceServers || []).filter((s) => [].concat(s.urls).every((u) => !u.endsWith('transport=tcp')));
      }
      super(config, ...rest);
      const n = window.__peers.push(this);
      this.__n = n;
      log(n, 'new, servers ' + (config.iceServers || []).map((s) => [].concat(s.urls).join(' ')).join(', '));
      for (const [event, read] of [['signalingstatechange', () => this.signalingState],
        ['iceconnectionstatechange', () => this.iceConnectionState],
        ['connectionstatechange', () => this.connectionState],
        ['icegatheringstatechange', () => this.iceGatheringState]]) {
        this.addEventListener(event, () => log(n, event.replace('statechange', '') + ' ' + read()));
      }
      this.addEventListener('negotiationneeded', () => log(n, 'negotiationneeded'));
      this.addEventListener('icecandidate', (e) => log(n, 'local candidate ' + (e.candidate ? e.candidate.type + ' ' + e.candidate.protocol + ' ' + e.candidate.address + ':' + e.candidate.port : 'end')));
      this.addEventListener('icecandidateerror', (e) => log(n, 'candidate error ' + e.errorCode + ' ' + e.errorText + ' ' + e.url));
    }
    setLocalDescription(...args) {
      log(this.__n, 'setLocalDescription ' + (args[0]?.type ?? '(implicit)') + ' in ' + this.signalingState);
      return traced(this.__n, 'setLocalDescription', super.setLocalDescription(...args));
    }
    setRemoteDescription(d, ...rest) {
      log(this.__n, 'setRemoteDescription ' + d?.type + ' in ' + this.signalingState);
      return traced(this.__n, 'setRemoteDescription', super.setRemoteDescription(d, ...rest));
    }
    addIceCandidate(c, ...rest) {
      const what = 'addIceCandidate ' + (c?.candidate ?? '').split(' ').slice(4, 8).join(' ');
      return super.addIceCandidate(c, ...rest).then(
        (r) => { log(this.__n, what); return r; },
        (e) => { log(this.__n, what + ' failed: ' + e); throw e; });
    }
    close() {
      log(this.__n, 'close');
      return super.close();
    }
  };
})();`;

/** The connection logs of `sides` (see `recordPeers`), for a failure message. */
export async function peerLogs(sides: Record<string, Page>): Promise<string> {
  const parts: string[] = [];
  for (const [name, side] of Object.entries(sides)) {
    const lines = await side.evaluate(() => (window as any).__peerLog as string[] | undefined).catch((e) => [`(unreadable: ${e})`]);
    // What the page says (a refusal, a stage that never came) next to what its connections did.
    const said = await side.evaluate(() => (document.querySelector('main') as HTMLElement | null)?.innerText.slice(0, 400) ?? '').catch(() => '');
    parts.push(`--- ${name} (${side.url()}):\n${said ? `page: ${said.replace(/\s+/g, ' ')}\n` : ''}${(lines ?? ['(no log)']).join('\n')}`);
  }
  return parts.join('\n');
}

/** Runs `body`; if it fails, the connection logs of `sides` are added to the failure. */
export async function explainFailure<T>(sides: Record<string, Page>, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof Error) e.message += `\n\nWebRTC logs:\n${await peerLogs(sides)}`;
    throw e;
  }
}

export interface CallStats {
  state: string;
  framesDecoded: number;
  bytesReceived: number;
  localType: string | null;
  relayProtocol: string | null;
  remoteType: string | null;
  remoteAddress: string | null;
  remotePort: number | null;
}

/** What the page's live call connection shows in getStats(). */
export async function callStats(p: Page): Promise<CallStats> {
  return p.evaluate(async () => {
    const peers = ((window as any).__peers as RTCPeerConnection[]).filter((pc) => pc.connectionState !== 'closed');
    const pc = peers[peers.length - 1];
    const out = { state: pc?.connectionState ?? 'none', framesDecoded: 0, bytesReceived: 0, localType: null as string | null, relayProtocol: null as string | null, remoteType: null as string | null, remoteAddress: null as string | null, remotePort: null as number | null };
    if (!pc) return out;
    const report = await pc.getStats();
    const all: any[] = [];
    report.forEach((s) => all.push(s));
    for (const s of all) {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded += s.framesDecoded ?? 0;
      if (s.type === 'inbound-rtp') out.bytesReceived += s.bytesReceived ?? 0;
    }
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = all.find((s) => s.type === 'candidate-pair' && (transport ? s.id === transport.selectedCandidatePairId : s.selected));
    if (pair) {
      const local = all.find((s) => s.id === pair.localCandidateId);
      const remote = all.find((s) => s.id === pair.remoteCandidateId);
      out.localType = local?.candidateType ?? null;
      out.relayProtocol = local?.relayProtocol ?? null;
      out.remoteType = remote?.candidateType ?? null;
      out.remoteAddress = remote?.address ?? remote?.ip ?? null;
      out.remotePort = remote?.port ?? null;
    }
    return out;
  });
}

/** Decoded frames of the doctor's and the patient's page, sampled a second apart (the
 * browsers' statistics refresh in between): `sample()` adds one, `expectRising()` checks that
 * neither side ever went back and both increased over every two seconds. (Every single second
 * was asked before: a cold test run on two cores once decoded 4 frames a second and, while the
 * server stopped, none in one of those seconds on both sides at once — the pictures had not
 * stopped, the machine had.) */
export function frameSamples(page: Page, p: Page) {
  const samples: number[][] = [];
  return {
    async sample() {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push([(await callStats(page)).framesDecoded, (await callStats(p)).framesDecoded]);
    },
    expectRising() {
      const sides = ['doctor', 'patient'];
      for (let i = 1; i < samples.length; i++) {
        for (const side of [0, 1]) {
          const what = `${sides[side]} frames ${JSON.stringify(samples)}`;
          expect(samples[i][side], what).toBeGreaterThanOrEqual(samples[i - 1][side]);
          if (i >= 2) expect(samples[i][side], what).toBeGreaterThan(samples[i - 2][side]);
        }
      }
      expect(samples.length, 'at least three samples').toBeGreaterThanOrEqual(3);
    },
  };
}

/** The remote video plays and its decoded frames keep increasing. */
export async function expectFramesFlowing(p: Page) {
  await expect.poll(async () => (await callStats(p)).state, { timeout: 40_000 }).toBe('connected');
  const first = (await callStats(p)).framesDecoded;
  await expect.poll(async () => (await callStats(p)).framesDecoded, { timeout: 20_000 }).toBeGreaterThan(first + 10);
  await expect.poll(() => p.locator('video.remote-video').evaluate((v) => (v as HTMLVideoElement).videoWidth)).toBeGreaterThan(0);
}

/** The doctor lets a waiting patient in whose consent is not on record: the panel asks first,
 * and the doctor answers that consent was given otherwise. */
export async function admitWithoutConsent(entry: Locator) {
  // The patient's own buttons: further persons under the entry have theirs.
  await entry.locator(':scope > .roster-actions').getByRole('button', { name: 'Eintreten lassen' }).click();
  await entry.getByRole('button', { name: 'Ja, Einwilligung liegt vor – hereinholen' }).click();
}

/** The call's status line once the connection stands. */
export const connected = (side: Page) => side.getByRole('status').filter({ hasText: 'Verbunden – Ende-zu-Ende-verschlüsselt' });

/** The doctor lets the waiting patient in; both see the other's video. */
export async function admitAndSeeEachOther(page: Page, p: Page, patient: string) {
  await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
  await explainFailure({ Ärztin: page, Patientin: p }, async () => {
    await expect(connected(page)).toBeVisible({ timeout: 40_000 });
    await expectFramesFlowing(page);
    await expectFramesFlowing(p);
  });
}

/** A running call on the server at `baseURL`: a new practice (doctor in `browser`), an
 * appointment now, the patient in a Chromium of their own through the tech test and admitted.
 * Both pages record their peer connections (`recordPeers(relayOnly)`). The caller closes
 * `doctorContext` and `patientBrowser`. */
export interface RunningCall { page: Page; p: Page; doctorContext: BrowserContext; patientBrowser: Browser }
export async function callOn(browser: Browser, baseURL: string, who: { patient: string; slug: string; practice: string },
  relayOnly = false): Promise<RunningCall> {
  const stamp = Date.now();
  const doctorContext = await browser.newContext({ baseURL, locale: 'de-DE', permissions: ['camera', 'microphone'] });
  await doctorContext.addInitScript(recordPeers(relayOnly));
  const page = await doctorContext.newPage();
  await newPracticeLoggedIn(page, `${who.slug}.${stamp}@praxis-e2e.de`, who.practice);
  const code = await bookNow(page, who.patient, `${who.slug}.${stamp}@example.org`);
  await page.goto('/praxis');
  const patientBrowser = await patientChromium();
  const context = await patientBrowser.newContext({ baseURL, locale: 'de-DE', permissions: ['camera', 'microphone'] });
  await context.addInitScript(recordPeers(relayOnly));
  const p = await context.newPage();
  try {
    await enterAndPassTechTest(p, who.patient, code);
    await admitAndSeeEachOther(page, p, who.patient);
  } catch (e) {
    await patientBrowser.close();
    await doctorContext.close();
    throw e;
  }
  return { page, p, doctorContext, patientBrowser };
}
