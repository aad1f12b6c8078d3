// A group consultation with 2, 3, 4, 5 and 6 participants, each in a Chromium process of its own
// (as on separate devices), on loopback: per participant the CPU of its browser (all of its
// processes) and its upstream (everything it sends: one video and one audio stream per other
// participant), the video the others decode from it, and the set-up time admit → every pair
// connected. Run by scripts/bench-call.sh (the server allows 6 here: bench.config.ts); prints
// the figures for BENCHMARKS.md. BENCH_GROUP_SIZES="3 4" picks the sizes.
//
// All browsers share this machine's cores: with more participants than cores they compete, so
// the CPU per participant is what each got, and the decoded frame rate says whether that was
// enough. What a real phone has to itself is written down next to the figures.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { chromium, test, expect, Browser, Page } from '@playwright/test';
import { chromiumArgs } from '../playwright.config';
import { newPracticeLoggedIn } from '../tests/practice';
import { waitForMail } from '../tests/mail';
import { admitWithoutConsent, bookNow, enterAndPassTechTest, lettersOf, recordPeers } from '../tests/room';

const SIZES = (process.env.BENCH_GROUP_SIZES ?? '2 3 4 5 6').split(' ').map(Number);
const MEASURE_MS = 20_000;
const TICKS_PER_SECOND = 100;

/** utime+stime (clock ticks) of `root` and every process below it. */
function treeTicks(root: number): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      parent.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch { /* gone */ }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, t] of ticks) if (inTree(pid)) sum += t;
  return sum;
}

/** A Chromium of its own (its process id, for the CPU) with one page. */
async function participant(baseURL: string, viewport = { width: 1024, height: 768 }) {
  const server = await chromium.launchServer({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const browser: Browser = await chromium.connect(server.wsEndpoint());
  const context = await browser.newContext({ baseURL, locale: 'de-DE', viewport, permissions: ['camera', 'microphone'] });
  await context.addInitScript(recordPeers(false));
  const page = await context.newPage();
  return { page, pid: server.process().pid!, close: async () => { await browser.close(); await server.close(); } };
}

/** What a page's connections counted so far: bytes sent (all streams) and video frames
 * decoded, summed over its live connections, and how many are connected. */
const COUNTERS = `(async () => {
  let sent = 0, videoSent = 0, decoded = 0, connected = 0;
  for (const pc of (window.__peers || []).filter((pc) => pc.connectionState !== 'closed')) {
    if (pc.connectionState === 'connected') connected++;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'outbound-rtp') { sent += s.bytesSent || 0; if (s.kind === 'video') videoSent += s.bytesSent || 0; }
      if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded || 0;
    });
  }
  return { sent, videoSent, decoded, connected };
})()`;
type Counters = { sent: number; videoSent: number; decoded: number; connected: number };

async function invite(page: Page, name: string, email: string): Promise<string> {
  const section = page.getByRole('region', { name: 'Weitere Personen' });
  await section.getByText('Weitere Person einladen').click();
  await section.getByLabel(/^Vollständiger Name/).fill(name);
  await section.getByLabel(/^E-Mail-Adresse/).fill(email);
  await section.getByLabel('Rolle').selectOption({ label: 'Angehörige/r' });
  await section.getByRole('button', { name: 'Einladung senden' }).click();
  await expect(page.getByText('Die Einladung mit eigenem Zugangscode ist verschickt.')).toBeVisible();
  const mail = await waitForMail(email, /Einladung zur Videosprechstunde am/);
  return /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/.exec(mail.text)![0];
}

const mbit = (bytes: number, ms: number) => (bytes * 8 / 1e6 / (ms / 1000));

for (const size of SIZES) {
  test(`group of ${size}: CPU and upstream per participant`, async () => {
    const baseURL = test.info().project.use.baseURL!;
    const stamp = Date.now();
    const patient = `Erika Gruppe ${lettersOf(stamp)}`;
    const doctor = await participant(baseURL, { width: 1366, height: 900 });
    const others: Awaited<ReturnType<typeof participant>>[] = [];
    try {
      const page = doctor.page;
      await newPracticeLoggedIn(page, `gruppe${size}.${stamp}@praxis-e2e.de`, `Praxis Gruppe ${size}`);
      const code = await bookNow(page, patient, `gruppe${size}.${stamp}@example.org`);
      const guests: { name: string; code: string }[] = [];
      if (size > 2) {
        await page.getByRole('link', { name: new RegExp(patient) }).first().click();
        for (let i = 0; i < size - 2; i++) {
          const name = `Gast ${lettersOf(stamp + i + 1)}`;
          guests.push({ name, code: await invite(page, name, `gast${i}.${stamp}@example.org`) });
        }
      }
      const people = [{ name: patient, code }, ...guests];
      for (const _ of people) others.push(await participant(baseURL));
      await Promise.all(people.map((who, i) => enterAndPassTechTest(others[i].page, who.name, who.code)));

      await page.goto('/praxis');
      const t0 = Date.now();
      await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }).first());
      await page.waitForURL(/\/praxis\/gespraech\//);
      const list = page.getByRole('region', { name: 'Personen dieser Sprechstunde' });
      for (const guest of guests) {
        await list.getByRole('listitem').filter({ hasText: guest.name }).getByRole('button', { name: 'Eintreten lassen' }).click();
      }
      const pages = [page, ...others.map((o) => o.page)];
      const read = () => Promise.all(pages.map((p) => p.evaluate(COUNTERS) as Promise<Counters>));
      await expect.poll(async () => (await read()).every((c) => c.connected === size - 1), { timeout: 60_000, intervals: [100] }).toBe(true);
      const setup = Date.now() - t0;
      // The encoders ramp up their bitrate over the first seconds: measured after 10 s.
      await page.waitForTimeout(10_000);
      const pids = [doctor.pid, ...others.map((o) => o.pid)];
      const ticks0 = pids.map(treeTicks);
      const before = await read();
      const started = Date.now();
      await page.waitForTimeout(MEASURE_MS);
      const after = await read();
      const ticks1 = pids.map(treeTicks);
      const ms = Date.now() - started;
      const cpu = pids.map((_, i) => ((ticks1[i] - ticks0[i]) / TICKS_PER_SECOND) / (ms / 1000) * 100);
      const up = pages.map((_, i) => mbit(after[i].sent - before[i].sent, ms));
      const video = pages.map((_, i) => mbit(after[i].videoSent - before[i].videoSent, ms));
      // Frames each page decoded per second and per other participant.
      const fps = pages.map((_, i) => (after[i].decoded - before[i].decoded) / (ms / 1000) / (size - 1));
      const f = (xs: number[], d = 1) => xs.map((x) => x.toFixed(d)).join(' / ');
      console.log(`group of ${size}: set-up admit → all ${size * (size - 1) / 2} pairs connected ${setup} ms; ` +
        `per participant (doctor first) CPU % of one core ${f(cpu, 0)} (sum ${cpu.reduce((a, b) => a + b, 0).toFixed(0)} % of ${cpus().length * 100} %); ` +
        `upstream Mbit/s ${f(up, 2)} (video ${f(video, 2)}, per peer ${f(video.map((v) => v / (size - 1)), 2)}); ` +
        `decoded frames/s per incoming video ${f(fps, 1)}`);
      await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
      await page.getByRole('button', { name: 'Ja, beenden' }).click();
    } finally {
      for (const o of others) await o.close();
      await doctor.close();
    }
  });
}
