// Admit → connected and admit → first remote frame, 20 calls direct and 20 through the TURN
// relay, measured in the doctor's Chromium on loopback; and the server's CPU and memory while
// a call runs. Run by scripts/bench-call.sh; prints the figures for BENCHMARKS.md, with each
// call's phases (navigation, peer connection, the patient's encoder, first packet, first frame).
// BENCH_CALLS=n measures n calls each; BENCH_LOGS=1 prints the patient's camera calls and
// sender statistics around each set-up (how the issue-24 tail was found).
//
// Direct calls are measured twice in the same run: as a real patient meets them — the room
// page loaded afresh before each call (camera started anew, `WAIT_MS` in the waiting room) —
// and with one page for all calls (sent back to the waiting room and admitted again ~1 s later,
// the same camera track for twenty senders), the way the earlier figures were taken.
import { readFileSync, readdirSync } from 'node:fs';
import { test, expect, Page } from '@playwright/test';
import { newPracticeLoggedIn } from '../tests/practice';
import { admitWithoutConsent, bookNow, enterAndPassTechTest, lettersOf, patientChromium, recordPeers } from '../tests/room';

const CALLS = Number(process.env.BENCH_CALLS ?? 20);
/** How long the patient sits in the waiting room before a fresh-page call. */
const WAIT_MS = 3_000;

/** utime+stime (clock ticks) and RSS (kB) of the release server serving this run. */
function serverUsage(): { ticks: number; rssKb: number } {
  const bin = process.env.SERVER_BIN!;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.startsWith(bin)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1];
      return { ticks: Number(stat[11]) + Number(stat[12]), rssKb: Number(rss) };
    } catch { /* gone */ }
  }
  throw new Error('server process not found');
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** Where the time from the click goes, read from the doctor's page after the first frame:
 * the navigation's timing, the peer connection's log (`recordPeers`) and the frame itself.
 * Every value is milliseconds since the click. */
async function phases(page: Page, clickedAt: number): Promise<Record<string, number>> {
  const seen = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const log = ((window as any).__peerLog as string[]).map((line) => {
      const [at, , ...what] = line.split(' ');
      return { at: Number(at) * 1000, what: what.join(' ') };
    });
    const first = (re: RegExp) => log.find((l) => re.test(l.what))?.at ?? NaN;
    return {
      origin: performance.timeOrigin,
      marks: {
        'page received': nav.responseEnd,
        'DOM ready': nav.domContentLoadedEventEnd,
        'peer created (hydrated, camera on, joined)': first(/^new/),
        'offer/answer applied': first(/^setRemoteDescription ok/),
        'ICE connected': first(/^iceconnection connected/),
        'DTLS connected': first(/^connection connected/),
      } as Record<string, number>,
    };
  });
  const out: Record<string, number> = {};
  for (const [name, at] of Object.entries(seen.marks)) out[name] = Math.round(seen.origin + at - clickedAt);
  return out;
}

async function measure(page: Page, p: Page, patient: string, label: string, fresh = false) {
  const connected: number[] = [];
  const firstFrame: number[] = [];
  const steps: Record<string, number>[] = [];
  for (let i = 0; i < CALLS; i++) {
    if (fresh) {
      await p.reload();
      await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
      await p.waitForTimeout(WAIT_MS);
    }
    await page.goto('/praxis');
    const entry = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
    await expect(entry).toContainText('wartet seit');
    // No consent on record: the panel asks first; the clock starts at the answer that admits.
    await entry.getByRole('button', { name: 'Eintreten lassen' }).click();
    const admit = entry.getByRole('button', { name: 'Ja, Einwilligung liegt vor – hereinholen' });
    await expect(admit).toBeVisible();
    // The patient's side meanwhile (wall clock, same machine): its connection and when its
    // video encoder and sender start, from its getStats.
    const sender = p.evaluate(async (process_env_logs) => {
      const at: Record<string, number> = {};
      const known = ((window as any).__peers as RTCPeerConnection[]).length;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const pc = ((window as any).__peers as RTCPeerConnection[]).slice(known).find((x) => x.connectionState !== 'closed');
        if (pc) {
          at['patient: peer created'] ??= Date.now();
          if (pc.connectionState === 'connected') at['patient: connected'] ??= Date.now();
          let out: any = {};
          (await pc.getStats()).forEach((s: any) => { if (s.type === 'outbound-rtp' && s.kind === 'video') out = s; });
          if (out.framesEncoded > 0) at['patient: first frame encoded'] ??= Date.now();
          if (process_env_logs && !at.__logged && pc.connectionState === 'connected') {
            const parts: string[] = [];
            (await pc.getStats()).forEach((s: any) => {
              if (s.type === 'media-source' && s.kind === 'video') parts.push(`source frames=${s.frames} fps=${s.framesPerSecond} ${s.width}x${s.height}`);
              if (s.type === 'outbound-rtp' && s.kind === 'video') parts.push(`out encoded=${s.framesEncoded} sent=${s.framesSent} limit=${s.qualityLimitationReason} ${JSON.stringify(s.qualityLimitationDurations)} impl=${s.encoderImplementation} active=${s.active} target=${s.targetBitrate}`);
              if (s.type === 'candidate-pair' && s.nominated) parts.push(`pair avail=${s.availableOutgoingBitrate}`);
            });
            (window as any).__trackLog = ((window as any).__trackLog ?? []).concat(`${Date.now()} ${parts.join(' | ')}`);
            if (out.framesEncoded > 0) at.__logged = 1;
          }
          if (out.packetsSent > 0) { at['patient: first video packet sent'] ??= Date.now(); break; }
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      delete at.__logged;
      return at;
    }, !!process.env.BENCH_LOGS);
    const t0 = Date.now();
    await admit.click();
    await page.waitForURL(/\/praxis\/gespraech\//, { timeout: 20_000 });
    await page.waitForFunction(() => ((window as any).__peers as RTCPeerConnection[]).some((pc) => pc.connectionState === 'connected'), null, { polling: 5, timeout: 20_000 });
    connected.push(Date.now() - t0);
    // From "connected" on, the remote video's way to the screen: its first packet, first
    // frame received, first frame decoded (the doctor's getStats, polled every 5 ms) and the
    // picture on the page; with the keyframe requests the receiver sent meanwhile.
    const video = await page.evaluate(async () => {
      const pc = ((window as any).__peers as RTCPeerConnection[]).find((x) => x.connectionState === 'connected')!;
      const at: Record<string, number> = {};
      let last: any = {};
      const deadline = performance.now() + 20_000;
      while (performance.now() < deadline) {
        (await pc.getStats()).forEach((s: any) => { if (s.type === 'inbound-rtp' && s.kind === 'video') last = s; });
        const now = performance.now();
        if (last.packetsReceived > 0) at['video: first packet'] ??= now;
        if (((document.querySelector('video.remote-video') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0) {
          at['first remote frame'] ??= now;
          break;
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      return { origin: performance.timeOrigin, at, pli: last.pliCount ?? 0, fir: last.firCount ?? 0, nack: last.nackCount ?? 0 };
    });
    if (process.env.BENCH_LOGS) {
      const tracks = await p.evaluate(() => ((window as any).__trackLog ?? []).splice(0));
      console.log(`call ${i}: t0 ${t0}:\n${tracks.map((l: string) => `${Number(l.split(' ')[0]) - t0} ${l}`).join('\n')}`);
    }
    const sinceClick = (name: string) => Math.round(video.origin + (video.at[name] ?? NaN) - t0);
    firstFrame.push(sinceClick('first remote frame'));
    steps.push({
      ...(await phases(page, t0)),
      'video: first packet': sinceClick('video: first packet'),
      ...Object.fromEntries(Object.entries(await sender).map(([k, v]) => [k, v - t0])),
      'first remote frame': firstFrame[firstFrame.length - 1],
      'keyframe requests (PLI + FIR)': video.pli + video.fir,
    });
    await page.getByRole('region', { name: `Gespräch mit ${patient}` }).getByRole('button', { name: 'Zurück ins Wartezimmer' }).click();
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
  }
  console.log(`${label}, phases (ms since the click): ` + Object.keys(steps[0]).flatMap((name) => {
    const values = steps.map((s) => s[name]).filter((v) => !Number.isNaN(v));
    if (values.length === 0) return [];
    return `${name} p50 ${percentile(values, 50)} / p95 ${percentile(values, 95)} / max ${Math.max(...values)}`;
  }).join('; '));
  console.log(`${label}, each call (ms): ` + steps.map((s) => Object.values(s).join('/')).join(' | '));
  console.log(`${label}: admit → connected p50 ${percentile(connected, 50)} ms, p95 ${percentile(connected, 95)} ms; admit → first remote frame p50 ${percentile(firstFrame, 50)} ms, p95 ${percentile(firstFrame, 95)} ms (${CALLS} calls)`);
}

test('call set-up times and server load', async ({ browser }) => {
  const stamp = Date.now();
  const patient = `Bettina Bench ${lettersOf(stamp)}`;
  const doctorContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE' });
  await doctorContext.addInitScript(recordPeers(false));
  const page = await doctorContext.newPage();
  await newPracticeLoggedIn(page, `bench.${stamp}@praxis-e2e.de`, 'Praxis Messung');
  const code = await bookNow(page, patient, `bench.${stamp}@example.org`);
  const patientBrowser = await patientChromium();
  const patientContext = await patientBrowser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE', permissions: ['camera', 'microphone'] });
  await patientContext.addInitScript(recordPeers(false));
  if (process.env.BENCH_LOGS) await patientContext.addInitScript(`(() => { const md = navigator.mediaDevices; const gum = md.getUserMedia.bind(md); md.getUserMedia = (c) => { window.__trackLog = (window.__trackLog || []).concat(Date.now() + ' getUserMedia ' + JSON.stringify(c)); return gum(c).then((s) => { window.__trackLog.push(Date.now() + ' getUserMedia done'); for (const t of s.getTracks()) { const stop = t.stop.bind(t); t.stop = () => { window.__trackLog.push(Date.now() + ' stop ' + t.kind); stop(); }; } return s; }); }; })();`);
  const p = await patientContext.newPage();
  await enterAndPassTechTest(p, patient, code);

  await measure(page, p, patient, 'direct (host/host), the room page fresh for each call', true);
  await measure(page, p, patient, 'direct (host/host), one room page for all calls');

  // The server while one call runs: 20 s of an established call.
  await page.goto('/praxis');
  await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }));
  await page.waitForFunction(() => ((window as any).__peers as RTCPeerConnection[]).some((pc) => pc.connectionState === 'connected'), null, { timeout: 20_000 });
  const before = serverUsage();
  const started = Date.now();
  await page.waitForTimeout(20_000);
  const after = serverUsage();
  const seconds = (Date.now() - started) / 1000;
  const mediaBytes = await page.evaluate(async () => {
    const pc = ((window as any).__peers as RTCPeerConnection[]).find((x) => x.connectionState === 'connected')!;
    let bytes = 0;
    (await pc.getStats()).forEach((s: any) => { if (s.type === 'inbound-rtp') bytes += s.bytesReceived; });
    return bytes;
  });
  console.log(`server during an established call: ${(((after.ticks - before.ticks) / 100) / seconds * 100).toFixed(2)} % of one core over ${seconds.toFixed(0)} s, RSS ${after.rssKb} kB; the doctor's browser received ${(mediaBytes / 1e6).toFixed(1)} MB of media meanwhile (none through the server)`);
  await page.getByRole('region', { name: `Gespräch mit ${patient}` }).getByRole('button', { name: 'Zurück ins Wartezimmer' }).click();
  await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();

  // Through the TURN relay only.
  await doctorContext.addInitScript(recordPeers(true));
  await patientContext.addInitScript(recordPeers(true));
  await p.reload();
  await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
  const cycleStart = serverUsage();
  const cycleStarted = Date.now();
  await measure(page, p, patient, 'TURN relay only');
  const cycleEnd = serverUsage();
  console.log(`server over the ${CALLS} relayed call set-ups (page loads, signalling, TURN relay): ${(((cycleEnd.ticks - cycleStart.ticks) / 100) / ((Date.now() - cycleStarted) / 1000) * 100).toFixed(1)} % of one core, RSS ${cycleEnd.rssKb} kB`);
  await patientBrowser.close();
});
