import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import puppeteer, { Page as FirefoxPage } from 'puppeteer-core';
import { test, expect } from './fixtures';
import { inspectPage, isKnownTextDefect } from './look';
import { PASSWORD, newPracticeLoggedIn } from './practice';
import { bookNow, lettersOf } from './room';

// The page checks of pages-look.spec.ts in Firefox ESR (puppeteer-core over WebDriver BiDi):
// Firefox lays out date fields, fonts and line breaks differently from Chromium. axe (WCAG 2.2
// AA, touch targets among it) runs here too: sizes and spacing are Firefox's own.
// axe-core as @axe-core/playwright (the declared dependency) brings it.
const AXE = readFileSync(createRequire(require.resolve('@axe-core/playwright')).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1366, height: 900 },
];
const PUBLIC = ['/', '/videosprechstunde', '/anmelden', '/registrieren', '/registrieren/gesendet', '/auftragsverarbeitung', '/registrieren/bestaetigen?token=x', '/datenschutz', '/impressum', '/diese-seite-gibt-es-nicht'];
const PRACTICE = [
  '/praxis', '/praxis/termine', '/praxis/termine?ansicht=tag', '/praxis/termine/neu', '/praxis/termine/einstellungen',
  '/praxis/einwilligungen', '/praxis/kv-antrag', '/praxis/praxisseite', '/praxis/stammdaten', '/praxis/rechnungsdaten',
  '/praxis/vertrag', '/praxis/team', '/praxis/sicherheit',
];

test('Firefox ESR: die wichtigsten Seiten bei 360 und 1366 px ohne Fluent-Rohtext, mit lesbarem Kontrast, ohne zerbrochene oder verklebte Wörter, ohne Querscrollen', async ({ page }) => {
  test.setTimeout(360_000);
  const stamp = Date.now() + 7;
  const email = `fuchsansicht.${stamp}@praxis-e2e.de`;
  await newPracticeLoggedIn(page, email, `Praxis Fuchsansicht ${lettersOf(stamp)}`);
  const patient = `Fritz Fuchsansicht ${lettersOf(stamp)}`;
  const code = await bookNow(page, patient, `fuchsansicht.${stamp}@example.org`);
  const base = test.info().project.use.baseURL!;
  const found: string[] = [];
  const firefox = await puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', executablePath: '/usr/bin/firefox-esr', headless: true,
    // Firefox's fake camera and microphone for the patient's room.
    extraPrefsFirefox: {
      'intl.accept_languages': 'de-DE, de',
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'permissions.default.camera': 1,
      'permissions.default.microphone': 1,
    },
    env: { ...process.env, PULSE_SERVER: process.env.SPRECHZIMMER_FIREFOX_PULSE_SERVER ?? '' },
  });
  try {
    const fp: FirefoxPage = await firefox.newPage();
    const check = async (path: string, width: number) => {
      const name = path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'start';
      await fp.screenshot({ path: test.info().outputPath(`firefox-${width}-${name}.png`) as `${string}.png`, fullPage: true });
      for (const problem of await fp.evaluate(inspectPage)) {
        if (!isKnownTextDefect(new URL(fp.url()).pathname, problem)) found.push(`firefox ${width} ${path}: ${problem}`);
      }
      // Evaluated, not a script tag: the page's CSP allows no inline script.
      await fp.evaluate(AXE);
      const violations: string[] = await fp.evaluate(async (tags: string[]) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const results = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags } });
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        return results.violations.map((v: any) => `axe ${v.id} (${v.help}) at ${v.nodes.map((n: any) => n.target.join(' ')).join(', ')}`);
      }, AXE_TAGS);
      for (const v of violations) found.push(`firefox ${width} ${path}: ${v}`);
    };
    const look = async (path: string, width: number) => {
      await fp.goto(base + path, { waitUntil: 'load' });
      // The live panel has loaded its list (or is not on the page); a panel still loading after
      // 10 s is a finding, not a reason to look at the half-loaded page and pass.
      const loaded = () => fp.evaluate(() => !document.querySelector('.waiting-panel')?.textContent?.includes('wird geladen'));
      for (let i = 0; i < 40 && !(await loaded()); i++) await new Promise((r) => setTimeout(r, 250));
      if (!(await loaded())) found.push(`firefox ${width} ${path}: the live panel still says "wird geladen" after 10 s`);
      await check(path, width);
    };
    for (const viewport of VIEWPORTS) {
      await fp.setViewport(viewport);
      for (const path of PUBLIC) await look(path, viewport.width);
    }
    // The patient's room: the tech test as Firefox lays it out, at both sizes.
    await fp.goto(`${base}/videosprechstunde`);
    await fp.type('#entry-name', patient);
    await fp.type('#entry-code', code);
    await Promise.all([fp.waitForNavigation(), fp.click('form[action="/videosprechstunde"] button[type="submit"]')]);
    expect(new URL(fp.url()).pathname).toBe('/videosprechstunde/raum');
    await fp.waitForFunction(() => Array.from(document.querySelectorAll('button'))
      .some((b) => b.textContent?.trim() === 'Testton abspielen' && !(b as HTMLButtonElement).disabled), { timeout: 40_000 });
    for (const viewport of [...VIEWPORTS].reverse()) {
      await fp.setViewport(viewport);
      await check('/videosprechstunde/raum', viewport.width);
    }
    await fp.goto(`${base}/anmelden`);
    await fp.type('#login-email', email);
    await fp.type('#login-password', PASSWORD);
    await Promise.all([fp.waitForNavigation(), fp.click('form[action="/anmelden"] button[type="submit"]')]);
    expect(new URL(fp.url()).pathname).toBe('/praxis');
    for (const viewport of VIEWPORTS) {
      await fp.setViewport(viewport);
      for (const path of PRACTICE) await look(path, viewport.width);
    }
    // The doctor's call page before the patient is let in (its headings' sizes were fixed for
    // Chromium first; Firefox computes the defaults its own way).
    await fp.goto(`${base}/praxis/termine`);
    const appointment = await fp.evaluate(() => document.querySelector('a[href^="/praxis/termin/"]')?.getAttribute('href')?.split('/').pop());
    expect(appointment).toBeTruthy();
    for (const viewport of VIEWPORTS) {
      await fp.setViewport(viewport);
      await look(`/praxis/gespraech/${appointment}`, viewport.width);
    }
  } finally {
    await firefox.close();
  }
  expect(found, found.join('\n')).toEqual([]);
});
