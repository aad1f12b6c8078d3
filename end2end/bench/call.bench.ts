// Admit → connected and admit → first remote frame, 20 calls direct and 20 through the TURN
// relay, measured in the doctor's Chromium on loopback; and the server's CPU and memory while
// a call runs. Run by scripts/bench-call.sh; prints the figures for BENCHMARKS.md.
import { readFileSync, readdirSync } from 'node:fs';
import { test, expect, Page } from '@playwright/test';
import { newPracticeLoggedIn } from '../tests/practice';
import { bookNow, enterAndPassTechTest, lettersOf, patientChromium, recordPeers } from '../tests/room';

const CALLS = 20;

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

async function measure(page: Page, p: Page, patient: string, label: string) {
  const connected: number[] = [];
  const firstFrame: number[] = [];
  const steps: Record<string, number>[] = [];
  for (let i = 0; i < CALLS; i++) {
    await page.goto('/praxis');
    const entry = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
    await expect(entry).toContainText('wartet seit');
    const admit = entry.getByRole('button', { name: 'Eintreten lassen' });
    const t0 = Date.now();
    await admit.click();
    await page.waitForURL(/\/praxis\/gespraech\//);
    await page.waitForFunction(() => ((window as any).__peers as RTCPeerConnection[]).some((pc) => pc.connectionState === 'connected'), null, { polling: 5, timeout: 20_000 });
    connected.push(Date.now() - t0);
    await page.waitForFunction(() => ((document.querySelector('video.remote-video') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0, null, { polling: 5, timeout: 20_000 });
    firstFrame.push(Date.now() - t0);
    steps.push({ ...(await phases(page, t0)), 'first remote frame': firstFrame[firstFrame.length - 1] });
    await page.getByRole('region', { name: `Gespräch mit ${patient}` }).getByRole('button', { name: 'Zurück ins Wartezimmer' }).click();
    await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
  }
  console.log(`${label}, phases (ms since the click): ` + Object.keys(steps[0]).map((name) => {
    const values = steps.map((s) => s[name]).filter((v) => !Number.isNaN(v));
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
  const p = await patientContext.newPage();
  await enterAndPassTechTest(p, patient, code);

  await measure(page, p, patient, 'direct (host/host)');

  // The server while one call runs: 20 s of an established call.
  await page.goto('/praxis');
  await page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }).getByRole('button', { name: 'Eintreten lassen' }).click();
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
