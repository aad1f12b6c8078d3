import AxeBuilder from '@axe-core/playwright';
import { Page as FirefoxPage } from 'puppeteer-core';
import { clickUntil, enterInFirefox, exists, launchFirefox, text, until } from './firefox';
import { test, expect } from './fixtures';
import type { BrowserContext, Page } from '@playwright/test';
import { lookAt } from './look';
import { waitForMail } from './mail';
import { newPracticeLoggedIn } from './practice';
import { admitWithoutConsent, bookNow, connected, enterAndPassTechTest, explainFailure, lettersOf, recordPeers } from './room';

// The group calls of this file run one after the other in one worker (the suite is otherwise
// fully parallel): side by side they were seven pages sending video, four of them through the
// relay, on two cores, and the relayed media of the four failed in one full run of six (ICE
// lost 28–84 s into the call, the patient's page back in the waiting room).
test.describe.configure({ mode: 'default' });

/** Every live connection of the page (see `recordPeers`): its state and the video frames it
 * decoded. A string, so Playwright and puppeteer evaluate the same code. */
const MESH = `(async () => {
  const out = [];
  for (const pc of (window.__peers || []).filter((pc) => pc.connectionState !== 'closed')) {
    let frames = 0;
    (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
    out.push({ state: pc.connectionState, frames });
  }
  return out;
})()`;
type Link = { state: string; frames: number };
const decoding = (links: Link[]) => links.filter((l) => l.state === 'connected' && l.frames > 0).length;
const frames = (links: Link[]) => links.map((l) => l.frames);

/** Two live connections on the page, each decoding video, and both keep decoding. */
async function seesBothOthers(read: () => Promise<Link[]>, who: string) {
  const first = await until(`${who}: two connections decoding`, read, (l) => l.length === 2 && decoding(l) === 2, 60_000);
  await until(`${who}: frames increasing on both`, read, (l) => l.length === 2 && frames(l).every((f, i) => f > frames(first)[i] + 5));
}

/** On the appointment's page: invites `name` with `role`; their access code from the mail. */
async function invite(page: Page, name: string, email: string, role: string): Promise<string> {
  const section = page.getByRole('region', { name: 'Weitere Personen' });
  await section.getByText('Weitere Person einladen').click();
  await section.getByLabel(/^Vollständiger Name/).fill(name);
  await section.getByLabel(/^E-Mail-Adresse/).fill(email);
  await section.getByLabel('Rolle').selectOption({ label: role });
  await section.getByRole('button', { name: 'Einladung senden' }).click();
  await expect(page.getByText('Die Einladung mit eigenem Zugangscode ist verschickt.')).toBeVisible();
  const mail = await waitForMail(email, /Einladung zur Videosprechstunde am/);
  return /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/.exec(mail.text)![0];
}

/** From the week to the patient's appointment; Dana Dolmetscherin invited there. */
async function inviteInterpreter(page: Page, patient: string, email: string): Promise<string> {
  await page.getByRole('link', { name: new RegExp(patient) }).first().click();
  return invite(page, 'Dana Dolmetscherin', email, 'Dolmetscher/in');
}

test('Gruppensprechstunde: Ärztin und Patientin in Chromium, Dolmetscherin in Firefox ESR – alle sehen sich, derselbe Sicherheitscode, Nachrichten an alle, die Ärztin entfernt die Dolmetscherin', async ({ page, browser }) => {
  test.setTimeout(360_000);
  const stamp = Date.now();
  const patient = `Erika Gruppe ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `gruppe.${stamp}@praxis-e2e.de`, 'Praxis Gruppe');
  const code = await bookNow(page, patient, `erika.${stamp}@example.org`);
  const guestCode = await inviteInterpreter(page, patient, `dana.${stamp}@example.org`);
  await page.addInitScript(recordPeers(false));

  // The patient on a phone (a browser context of her own), the interpreter in Firefox.
  const baseURL = test.info().project.use.baseURL!;
  const phone = await browser.newContext({
    baseURL, locale: 'de-DE', viewport: { width: 360, height: 740 }, permissions: ['camera', 'microphone'],
  });
  await phone.addInitScript(recordPeers(false));
  const p = await phone.newPage();
  const firefox = await launchFirefox(true);
  try {
    const fp: FirefoxPage = await firefox.newPage();
    await fp.setViewport({ width: 1024, height: 768 });
    await fp.evaluateOnNewDocument(recordPeers(false));
    await enterAndPassTechTest(p, patient, code);
    await enterInFirefox(fp, baseURL, 'Dana Dolmetscherin', guestCode);

    await explainFailure({ Ärztin: page, Patientin: p }, async () => {
      // The doctor lets the patient in, then, from the call page, the interpreter.
      await page.goto('/praxis');
      await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }).first());
      await expect(connected(page)).toBeVisible({ timeout: 40_000 });
      const people = page.getByRole('region', { name: 'Personen dieser Sprechstunde' });
      const dana = people.getByRole('listitem').filter({ hasText: 'Dana Dolmetscherin (Dolmetscher/in)' });
      await expect(dana).toContainText('wartet seit');
      await dana.getByRole('button', { name: 'Eintreten lassen' }).click();

      // Every pair has its own connection and every page decodes both others' video.
      await seesBothOthers(() => page.evaluate(MESH) as Promise<Link[]>, 'Ärztin');
      await seesBothOthers(() => p.evaluate(MESH) as Promise<Link[]>, 'Patientin');
      await seesBothOthers(() => fp.evaluate(MESH) as Promise<Link[]>, 'Dolmetscherin (Firefox)');
      await expect(page.getByLabel(`Video von ${patient}`)).toBeVisible();
      await expect(page.getByLabel('Video von Dana Dolmetscherin')).toBeVisible();
      await expect(p.getByLabel('Video von Praxis Gruppe')).toBeVisible();
      await expect(p.getByLabel('Video von Dana Dolmetscherin')).toBeVisible();
      await expect(page.locator('.tile').filter({ hasText: 'Dana Dolmetscherin (Dolmetscher/in)' })).toBeVisible();
      await expect(connected(page)).toBeVisible({ timeout: 40_000 });
      await expect(connected(p)).toBeVisible({ timeout: 40_000 });

      // One code for the group, the same on all three screens.
      const codeOf = (side: Page) => side.locator('.verification .code').textContent();
      await expect.poll(() => codeOf(page), { timeout: 40_000 }).toMatch(/^\d{3} \d{3}$/);
      const groupCode = (await codeOf(page))!;
      await expect.poll(() => codeOf(p), { timeout: 40_000 }).toBe(groupCode);
      await until('the same code in Firefox', () => text(fp, '.verification .code'), (c) => c === groupCode);
      await expect(page.getByText('Alle sehen denselben Code')).toBeVisible();

      // A message reaches everybody, straight over the connections.
      await p.getByLabel('Ihre Nachricht').fill('Hallo an beide');
      await p.getByLabel('Ihre Nachricht').press('Enter');
      await expect(page.locator('.chat-lines')).toContainText('Hallo an beide');
      await until('the message in Firefox', () => text(fp, '.chat-lines'), (t) => t.includes('Hallo an beide'));

      // Both others' pictures and the end button in the first screen, on a desktop and a phone.
      const inFirstScreen = async (side: Page, names: string[], who: string) => {
        const { width, height } = side.viewportSize()!;
        await side.evaluate(() => window.scrollTo(0, 0));
        for (const target of [...names.map((n) => side.getByLabel(`Video von ${n}`)), side.getByRole('button', { name: /Sprechstunde beenden|Gespräch verlassen/ })]) {
          const box = (await target.boundingBox())!;
          expect(box.y >= 0 && box.x >= 0 && box.y + box.height <= height && box.x + box.width <= width,
            `${who} at ${width}×${height}: ${JSON.stringify(box)}`).toBe(true);
        }
      };
      for (const size of [{ width: 1366, height: 900 }, { width: 360, height: 740 }]) {
        await page.setViewportSize(size);
        await inFirstScreen(page, [patient, 'Dana Dolmetscherin'], 'Ärztin');
        await page.screenshot({ path: test.info().outputPath(`group-doctor-${size.width}.png`) });
        await fp.setViewport(size);
        await fp.screenshot({ path: test.info().outputPath(`group-firefox-${size.width}.png`) });
      }
      await inFirstScreen(p, ['Praxis Gruppe', 'Dana Dolmetscherin'], 'Patientin');
      await p.screenshot({ path: test.info().outputPath('group-patient-360.png') });
      await page.setViewportSize({ width: 1366, height: 900 });

      // What the doctor's group call looks like: accessible, no raw texts, nothing off-screen.
      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
      expect(axe.violations, 'axe on the group call').toEqual([]);
      expect(await lookAt(page), 'the doctor\'s group call as a reader sees it').toEqual([]);
      expect(await lookAt(p), 'the patient\'s group call on a phone').toEqual([]);

      // The interpreter switches her microphone off: the others see it under her picture.
      await clickUntil(fp, '.call-controls button::-p-text(Mikrofon ausschalten)', () => exists(fp, '.call-controls button::-p-text(Mikrofon einschalten)'));
      await expect(page.getByText('Dana Dolmetscherin hat das Mikrofon ausgeschaltet.')).toBeVisible();
      await expect(p.locator('.tile').filter({ hasText: 'Dana Dolmetscherin' })).toContainText('Mikrofon aus');

      // The doctor removes her: her page says so, her picture leaves, the others talk on.
      await dana.getByRole('button', { name: 'Entfernen' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Ja, entfernen' }).click();
      await until('the interpreter is told', () => text(fp, 'main'), (t) => t.includes('Ihre Praxis hat Sie aus dem Wartezimmer genommen'));
      await expect(page.getByLabel('Video von Dana Dolmetscherin')).toHaveCount(0, { timeout: 40_000 });
      await expect(p.getByLabel('Video von Dana Dolmetscherin')).toHaveCount(0, { timeout: 40_000 });
      await expect(connected(page)).toBeVisible();
      await expect(connected(p)).toBeVisible();

      // "Sprechstunde beenden" ends it for the patient too.
      await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
      await page.getByRole('button', { name: 'Ja, beenden' }).click();
      await expect(p.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible();
    });
  } finally {
    await firefox.close();
    await phone.close();
  }
});

/** Every live connection's path: the candidate type of its selected local candidate. */
const PATHS = `(async () => {
  const out = [];
  for (const pc of (window.__peers || []).filter((pc) => pc.connectionState === 'connected')) {
    const all = [];
    (await pc.getStats()).forEach((s) => all.push(s));
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = all.find((s) => s.type === 'candidate-pair' && (transport ? s.id === transport.selectedCandidatePairId : s.selected));
    out.push(all.find((s) => pair && s.id === pair.localCandidateId)?.candidateType ?? 'none');
  }
  return out;
})()`;

test('Vier im Gespräch, nur über den TURN-Server: jede Verbindung läuft über das Relay, ein fünftes Fenster wird abgewiesen, der Angehörige verlässt das Gespräch und tritt wieder ein', async ({ page, browser }) => {
  test.setTimeout(360_000);
  const stamp = Date.now();
  const patient = `Erika Vierer ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `vierer.${stamp}@praxis-e2e.de`, 'Praxis Vierer');
  const code = await bookNow(page, patient, `erika.${stamp}@example.org`);
  const danaCode = await inviteInterpreter(page, patient, `dana.${stamp}@example.org`);
  const bertCode = await invite(page, 'Bert Bruder', `bert.${stamp}@example.org`, 'Angehörige/r');
  // Every page may use relayed paths only: all six connections pass our TURN service.
  await page.addInitScript(recordPeers(true));
  const baseURL = test.info().project.use.baseURL!;
  const contexts: BrowserContext[] = [];
  const device = async (width: number) => {
    const context = await browser.newContext({ baseURL, locale: 'de-DE', viewport: { width, height: 740 }, permissions: ['camera', 'microphone'] });
    await context.addInitScript(recordPeers(true));
    contexts.push(context);
    return context.newPage();
  };
  try {
    const [p, dana, bert] = [await device(360), await device(1024), await device(360)];
    await Promise.all([enterAndPassTechTest(p, patient, code), enterAndPassTechTest(dana, 'Dana Dolmetscherin', danaCode),
      enterAndPassTechTest(bert, 'Bert Bruder', bertCode)]);
    // A record: the fifth window joins it below, so a failure's log shows that page too.
    const sides: Record<string, Page> = { Ärztin: page, Patientin: p, Dolmetscherin: dana, Bruder: bert };
    await explainFailure(sides, async () => {
      await page.goto('/praxis');
      await admitWithoutConsent(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }).first());
      await expect(connected(page)).toBeVisible({ timeout: 40_000 });
      const people = page.getByRole('region', { name: 'Personen dieser Sprechstunde' });
      for (const name of ['Dana Dolmetscherin', 'Bert Bruder']) {
        await people.getByRole('listitem').filter({ hasText: name }).getByRole('button', { name: 'Eintreten lassen' }).click();
      }
      // Four pages, three connections each, every one decoding video and relayed.
      for (const [who, side] of Object.entries(sides)) {
        await expect.poll(async () => decoding(await side.evaluate(MESH) as Link[]), { message: who, timeout: 80_000 }).toBe(3);
        expect(await side.evaluate(PATHS), `${who}: every path through the relay`).toEqual(['relay', 'relay', 'relay']);
      }
      await expect(page.locator('.quality')).toContainText('über den Vermittlungsserver', { timeout: 20_000 });
      const groupCode = (await page.locator('.verification .code').textContent())!;
      for (const side of [p, dana, bert]) await expect(side.locator('.verification .code')).toHaveText(groupCode, { timeout: 40_000 });

      // A fifth page: Bert's code in a second window. Refused; the four talk on.
      const fifth = await device(1024);
      sides['fünftes Fenster'] = fifth;
      await fifth.goto('/videosprechstunde');
      await fifth.getByLabel(/^Ihr Name/).fill('Bert Bruder');
      await fifth.getByLabel(/^Zugangscode/).fill(bertCode);
      await fifth.getByRole('button', { name: 'Raum betreten' }).click();
      // Four pages sending video through the relay keep both cores busy: the fifth page's
      // code may take a while to start (80 s, as for the connections above).
      await expect(fifth.getByRole('alert').filter({ hasText: 'bereits in einem anderen Fenster geöffnet' })).toBeVisible({ timeout: 80_000 });
      await fifth.context().close();
      await expect.poll(async () => decoding(await page.evaluate(MESH) as Link[]), { timeout: 20_000 }).toBe(3);

      // Bert leaves the call: his picture goes, nothing ends for the others; he comes back.
      await bert.getByRole('button', { name: 'Gespräch verlassen' }).click();
      await bert.getByRole('button', { name: 'Ja, verlassen' }).click();
      await expect(bert.getByText('Sie haben das Wartezimmer verlassen.')).toBeVisible();
      for (const side of [page, p, dana]) await expect(side.getByLabel('Video von Bert Bruder')).toHaveCount(0, { timeout: 40_000 });
      await expect(connected(p)).toBeVisible();
      await enterAndPassTechTest(bert, 'Bert Bruder', bertCode);
      await people.getByRole('listitem').filter({ hasText: 'Bert Bruder' }).getByRole('button', { name: 'Eintreten lassen' }).click();
      await expect.poll(async () => decoding(await bert.evaluate(MESH) as Link[]), { timeout: 80_000 }).toBe(3);
      await expect(page.getByLabel('Video von Bert Bruder')).toBeVisible();

      await page.getByRole('button', { name: 'Sprechstunde beenden' }).click();
      await page.getByRole('button', { name: 'Ja, beenden' }).click();
      for (const side of [p, dana, bert]) await expect(side.getByRole('heading', { name: 'Die Sprechstunde ist beendet' })).toBeVisible();
    });
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
  }
});
