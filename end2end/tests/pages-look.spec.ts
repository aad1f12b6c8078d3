import { Browser, BrowserContext, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { controlsThatNeedCode, isKnownTextDefect, layoutShiftProblems, lookAt, recordLayoutShifts } from './look';
import { newPracticeLoggedIn } from './practice';
import { bookNow, enterRoom, lettersOf, patientChromium } from './room';

/**
 * Every page of the app, on a phone (360 × 740) and a laptop (1366 × 900), in the states a
 * practice and a patient meet (an appointment booked, a patient waiting, the public page on):
 * no raw Fluent, every text readable (contrast), no word broken inside or glued to its
 * neighbour, no sideways scrolling, no content jumping under the reader (layout shift, from
 * the first paint until the check — in the room that includes the whole tech test), no axe finding
 * of WCAG 2.2 AA (touch targets of 24 px among them). A full-page screenshot of each lands in test-results/.
 * Text defects fixed on another branch are listed in look.ts (KNOWN_TEXT_DEFECTS).
 */
const VIEWPORTS = [
  { width: 360, height: 740 },
  { width: 1366, height: 900 },
];

/** Waits until the page's islands show their data (the live panel has loaded its list). */
async function settle(page: Page) {
  await page.waitForLoadState('load');
  await expect
    .poll(() => page.evaluate(() => !document.querySelector('.waiting-panel')?.textContent?.includes('wird geladen')), { timeout: 20_000 })
    .toBe(true);
}

async function visit(page: Page, path: string, name: string, found: string[]) {
  const response = await page.goto(path);
  expect(response, path).not.toBeNull();
  await settle(page);
  await check(page, name, found);
}

async function check(page: Page, name: string, found: string[], since = 0) {
  const { width } = page.viewportSize()!;
  await page.screenshot({ path: test.info().outputPath(`${width}-${name}.png`), fullPage: true });
  const url = new URL(page.url());
  for (const problem of [...(await lookAt(page)), ...(await layoutShiftProblems(page, since))]) {
    if (!isKnownTextDefect(url.pathname, problem)) found.push(`${width} ${url.pathname}${url.search}: ${problem}`);
  }
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  for (const v of axe.violations) {
    found.push(`${width} ${url.pathname}${url.search}: axe ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }
}

/** The patient, in a browser of their own at the same size: entry, tech test, waiting room. */
async function patientWaits(browser: Browser, viewport: { width: number; height: number }, name: string, code: string, found: string[]) {
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL, locale: 'de-DE', viewport, permissions: ['camera', 'microphone'],
  });
  await context.addInitScript(recordLayoutShifts);
  const p = await context.newPage();
  await visit(p, '/videosprechstunde', 'patient-entry', found);
  await p.getByLabel(/^Ihr Name/).fill(name);
  await p.getByLabel(/^Zugangscode/).fill(code);
  await p.getByRole('button', { name: 'Raum betreten' }).click();
  await expect(p).toHaveURL(/\/videosprechstunde\/raum$/);
  await expect(p.getByRole('heading', { name: 'Technik-Test' })).toBeVisible();
  await expect(p.getByRole('button', { name: 'Testton abspielen' })).toBeEnabled({ timeout: 30_000 });
  await check(p, 'patient-tech-test', found);
  await expect(async () => {
    await p.getByRole('button', { name: 'Testton abspielen' }).click({ timeout: 2_000 });
    await expect(p.getByRole('button', { name: 'Ich höre den Ton' })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 40_000 });
  await p.getByRole('button', { name: 'Ich höre den Ton' }).click({ timeout: 20_000 });
  await p.getByRole('button', { name: 'Weiter ins Wartezimmer' }).click({ timeout: 40_000 });
  await expect(p.getByRole('heading', { name: 'Sie sind im Wartezimmer' })).toBeVisible();
  await check(p, 'patient-waiting-room', found);
  // In the room the header leads nowhere else (no login, no second entrance).
  await expect(p.getByRole('navigation', { name: 'Hauptnavigation' })).toHaveCount(0);
  return context;
}

test('Die Seitenprüfung erkennt jede Fehlerart und lässt saubere Seiten durch', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.setContent(`<!DOCTYPE html><html lang="de"><body style="margin:0;font:16px sans-serif;overflow-wrap:break-word">
    <p>Ohne Fehler: ein <a href="#">Link</a> mitten im Satz, <strong>fett</strong>. Ein <span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)" class="visually-hidden">versteckt</span>Text.</p>
    <p>Eine sehr lange Adresse darf brechen: praxis.mit.einem.sehr.langen.namen.am.markt@beispiel-praxis-leipzig.example.org</p>
    <p>Lange Wörter mit Bindestrich dürfen am Bindestrich umbrechen: Kassenärztliche-Vereinigungs-Bereichs-Sonderregelungen</p>
    <details><summary>Zu</summary><p>{$versteckt} im geschlossenen Teil</p></details>
    <p>Hallo {$name}, Ihr Termin.</p>
    <p><span style="background:#fff;color:#fff;border:1px solid #ccc">niemand wartet</span></p>
    <table style="width:120px"><tr><td style="overflow-wrap:anywhere">Kassenärztliche Vereinigung</td></tr></table>
    <p>Bitte lesen Sie die<a href="#">Nutzungsbedingungen</a>von uns.</p>
    <label>Titel<span>(freiwillig)</span></label>
    <div style="width:500px">breit</div>
    <select style="width:200px;padding:8px 12px;font:16px sans-serif"><option>KV Sachsen</option></select>
    <select style="width:200px;padding:8px 12px;font:16px sans-serif"><option>Kassenärztliche Vereinigung Mecklenburg-Vorpommern</option></select>
  </body></html>`);
  const found = await lookAt(page);
  const kinds = (kind: string) => found.filter((f) => f.startsWith(`${kind}:`));
  expect(kinds('fluent'), found.join('\n')).toHaveLength(1);
  expect(kinds('fluent')[0]).toContain('Hallo {$name}');
  expect(kinds('contrast'), found.join('\n')).toHaveLength(1);
  expect(kinds('contrast')[0]).toContain('niemand wartet');
  expect(kinds('broken-word').join('\n')).toMatch(/Kassenärztlic?h?\|/);
  expect(kinds('broken-word').join('\n')).not.toMatch(/beispiel|Sonderregelungen/);
  expect(kinds('glued').join('\n')).toContain('"Bitte lesen Sie die" + "Nutzungsbedingungen"');
  expect(kinds('glued').join('\n')).toContain('"Nutzungsbedingungen" + "von uns."');
  expect(kinds('glued').join('\n')).toContain('"Titel" + "(freiwillig)"');
  expect(kinds('glued'), found.join('\n')).toHaveLength(3);
  expect(kinds('overflow'), found.join('\n')).toHaveLength(1);
  expect(kinds('cut-select'), found.join('\n')).toHaveLength(1);
  expect(kinds('cut-select')[0]).toContain('Mecklenburg-Vorpommern');
  expect(found).toHaveLength(kinds('fluent').length + kinds('contrast').length + kinds('broken-word').length + 5);
});

test('Die Seitenprüfung erkennt eine Fußzeile, die auf einer kurzen Seite über dem Fensterrand endet', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  const short = (body: string) => `<!DOCTYPE html><html lang="de"><body style="margin:0;font:16px sans-serif;${body}">
    <main style="flex:1 0 auto"><h1>Kurz</h1></main><footer style="background:#eee">Impressum</footer></body></html>`;
  await page.setContent(short(''));
  const found = await lookAt(page);
  expect(found, found.join('\n')).toHaveLength(1);
  expect(found[0]).toMatch(/^footer: ends \d+ px above the window's bottom$/);
  await page.setContent(short('display:flex;flex-direction:column;min-height:100vh'));
  expect(await lookAt(page)).toEqual([]);
});

test('Die Seitenprüfung erkennt Überschriften, die größer sind als eine höhere Ebene', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  const headings = (h1: string, h2: string, h3: string) => `<!DOCTYPE html><html lang="de"><body style="margin:0;font:16px sans-serif">
    <h1 style="font-size:${h1}">Videosprechstunde</h1><h2 style="font-size:${h2}">Gespräch mit Erika</h2>
    <h2 class="visually-hidden" style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);font-size:40px">Nur vorgelesen</h2>
    <h3 style="font-size:${h3}">Nachrichten</h3></body></html>`;
  // The call page before: the side column's h3 above the h2, the h2s of other pages above the h1.
  await page.setContent(headings('20px', '17.6px', '18.72px'));
  let found = await lookAt(page);
  expect(found, found.join('\n')).toHaveLength(1);
  expect(found[0]).toMatch(/^heading-size: h3 "Nachrichten" is 18\.72 px, larger than h2 "Gespräch mit Erika" \(17\.6 px\)$/);
  await page.setContent(headings('20px', '25.6px', '16px'));
  found = await lookAt(page);
  expect(found, found.join('\n')).toHaveLength(1);
  expect(found[0]).toContain('h2 "Gespräch mit Erika" is 25.6 px, larger than h1 "Videosprechstunde" (20 px)');
  // Ranks in order (the clipped heading for screen readers does not count).
  await page.setContent(headings('21.6px', '18.4px', '16.8px'));
  expect(await lookAt(page)).toEqual([]);
});

test('Die Seitenprüfung erkennt Inhalt, der nach dem Laden springt, und lässt ruhige Seiten durch', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  // A page of its own (Chromium reports no layout shifts for `setContent`'s about:blank).
  await page.route('**/seitenpruefung-springen', (route) => route.fulfill({
    contentType: 'text/html', body: `<!DOCTYPE html><html lang="de"><body style="margin:0;font:16px sans-serif">
    <h1>Technik-Test</h1><p id="unten" style="height:400px">Dieser Absatz rutscht nach unten, wenn oben etwas erscheint.</p>
    <ol id="liste" style="min-height:0"></ol></body></html>` }));
  await page.goto('/seitenpruefung-springen');
  await page.evaluate(recordLayoutShifts);
  // Chromium measures a shift against the last painted frame: let the first frames be painted.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)))));
  // A step result that appears below everything moves nothing.
  await page.evaluate(() => new Promise((done) => setTimeout(() => {
    document.getElementById('liste')!.insertAdjacentHTML('beforeend', '<li>Kamera: bereit</li>');
    setTimeout(done, 300);
  }, 50)));
  expect(await layoutShiftProblems(page)).toEqual([]);
  // A block that appears above the text pushes it down: a defect, naming what moved.
  await page.evaluate(() => new Promise((done) => setTimeout(() => {
    document.querySelector('h1')!.insertAdjacentHTML('afterend', '<div style="height:300px">neu</div>');
    setTimeout(done, 300);
  }, 50)));
  const found = await layoutShiftProblems(page);
  expect(found, found.join('\n')).toHaveLength(1);
  expect(found[0]).toMatch(/^layout-shift: 0\.\d+ > 0\.1 .*p#unten/);
});

for (const viewport of VIEWPORTS) {
  test(`Jede Seite bei ${viewport.width} × ${viewport.height}: kein Fluent-Rohtext, lesbarer Kontrast, keine zerbrochenen oder verklebten Wörter, kein Querscrollen`, async ({ page, browser }) => {
    test.setTimeout(480_000);
    await page.setViewportSize(viewport);
    await page.context().addInitScript(recordLayoutShifts);
    const found: string[] = [];
    const stamp = Date.now() + viewport.width;
    const practice = `Praxis Ansicht ${lettersOf(stamp)}`;

    // Public pages, not logged in.
    const guest = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE', viewport });
    await guest.addInitScript(recordLayoutShifts);
    const g = await guest.newPage();
    for (const [path, name] of [
      ['/', 'start'], ['/nutzungsbedingungen', 'terms'], ['/datenschutz', 'privacy'], ['/auftragsverarbeitung', 'avv'], ['/impressum', 'impressum'],
      ['/registrieren', 'register'], ['/registrieren/gesendet', 'register-sent'], ['/registrieren/link-ungueltig', 'link-invalid'],
      ['/registrieren/bestaetigen?token=x', 'verify'], ['/passwort-neu?token=x', 'reset-token'],
      ['/anmelden', 'login'], ['/passwort-vergessen', 'forgot'], ['/passwort-neu', 'reset'], ['/einladung', 'invitation'],
      ['/diese-seite-gibt-es-nicht', 'not-found'],
    ]) {
      await visit(g, path, name, found);
    }
    await g.goto('/');
    await expect(g.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Anmelden' })).toBeVisible();
    // A login that fails shows its message next to the fields.
    await g.goto('/anmelden');
    await g.getByLabel(/^E-Mail-Adresse/).fill(`niemand.${stamp}@praxis-e2e.de`);
    await g.getByLabel(/^Passwort/).fill('falsch und falsch');
    await g.getByRole('button', { name: 'Anmelden' }).click();
    await expect(g.getByRole('alert').first()).toBeVisible();
    await check(g, 'login-failed', found);

    // The practice: registered, an appointment for now, its public page switched on.
    await newPracticeLoggedIn(page, `ansicht.${stamp}@praxis-e2e.de`, practice);
    const patient = `Paula Ansicht ${lettersOf(stamp)}`;
    const code = await bookNow(page, patient, `ansicht.${stamp}@example.org`);
    await page.goto('/praxis/praxisseite');
    await page.getByLabel('Praxisseite einschalten (öffentlich erreichbar)').check();
    await page.getByRole('button', { name: 'Speichern' }).click();
    await expect(page.getByRole('status')).toHaveText('Die Einstellungen der Praxisseite sind gespeichert.');
    const publicPath = new URL(await page.getByLabel('Adresse der Praxisseite').inputValue()).pathname;
    // Logged in, the header offers the practice area instead of a second login; inside the
    // practice area it offers neither.
    for (const path of ['/', '/datenschutz']) {
      await page.goto(path);
      const header = page.getByRole('navigation', { name: 'Hauptnavigation' });
      await expect(header.getByRole('link', { name: 'Praxisbereich' }), path).toBeVisible();
      await expect(header.getByRole('link', { name: 'Anmelden' }), path).toHaveCount(0);
    }
    await page.goto('/praxis');
    await expect(page.getByRole('navigation', { name: 'Hauptnavigation' })).toHaveCount(0);
    await visit(g, publicPath, 'public-practice-page', found);

    // The patient waits (their own browser process, as on another device).
    const patientBrowser = await patientChromium();
    try {
      const patientContext = await patientWaits(patientBrowser, viewport, patient, code, found);
      await page.goto('/praxis');
      await expect(page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient })).toContainText('wartet seit');
      // Folding the live panel is remembered on the next page (and unfolding again).
      const panel = page.locator('details.waiting-panel');
      // The browser fires `toggle` a moment after the click; a page left at once would not
      // have remembered it (no person navigates away within that millisecond).
      const remembered = (value: string) =>
        expect.poll(() => page.evaluate(() => localStorage.getItem('sprechzimmer.wartezimmer.offen'))).toBe(value);
      // The fold is remembered by the island: its buttons are enabled once it runs (the sound
      // button, found by CSS since a folded panel hides it from the accessibility tree).
      const live = () => expect(panel.locator('button[aria-pressed]')).toBeEnabled();
      await live();
      await panel.locator(':scope > summary').first().click();
      await expect(panel).toHaveJSProperty('open', false);
      await remembered('0');
      await page.goto('/praxis/termine');
      await settle(page);
      await expect(panel).toHaveJSProperty('open', false);
      await live();
      await panel.locator(':scope > summary').first().click();
      await remembered('1');
      await page.goto('/praxis');
      await settle(page);
      await expect(panel).toHaveJSProperty('open', true);

      await page.goto('/praxis/termine');
      const appointment = (await page.locator('a[href^="/praxis/termin/"]').first().getAttribute('href'))!.split('/').pop();
      await page.goto('/praxis/einwilligungen');
      const consentLinks = page.locator('a[href^="/praxis/einwilligung/"]');
      const consent = (await consentLinks.count()) > 0 ? await consentLinks.first().getAttribute('href') : null;

      const pages: [string, string][] = [
        ['/praxis', 'practice-home'],
        ['/praxis/termine', 'calendar-week'],
        ['/praxis/termine?ansicht=tag', 'calendar-day'],
        ['/praxis/termine/neu', 'appointment-new'],
        ['/praxis/termine/einstellungen', 'calendar-settings'],
        [`/praxis/termin/${appointment}`, 'appointment'],
        [`/praxis/gespraech/${appointment}`, 'call-page-waiting'],
        ['/praxis/einwilligungen', 'consents'],
        ...(consent ? [[consent, 'consent'] as [string, string]] : []),
        ['/praxis/protokoll', 'audit-log'],
        ['/praxis/kv-antrag', 'kv-application'],
        ['/praxis/praxisseite', 'public-page-settings'],
        ['/praxis/stammdaten', 'stammdaten'],
        ['/praxis/rechnungsdaten', 'rechnungsdaten'],
        ['/praxis/vertrag', 'contract'],
        ['/praxis/vertrag/kuendigen', 'contract-cancel'],
        ['/praxis/team', 'team'],
        ['/praxis/sicherheit', 'security'],
        [publicPath, 'public-practice-page-member'],
      ];
      for (const [path, name] of pages) await visit(page, path, name, found);

      // The phone menu, unfolded.
      if (viewport.width < 768) {
        await page.goto('/praxis/termine');
        await page.getByText('Menü', { exact: true }).click();
        await expect(page.getByRole('navigation', { name: 'Praxisbereich' }).getByRole('link', { name: 'Sicherheit' })).toBeVisible();
        await check(page, 'practice-menu-open', found);
      }

      // How a patient's page ends (here: the practice removes the waiting patient): the
      // reason and the way back to the entrance. The page turns into another one (the footer
      // moves up as the waiting room goes): its own shifts count from that change on.
      await page.goto('/praxis');
      const p = patientContext.pages()[0];
      page.once('dialog', (dialog) => dialog.accept());
      await page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient }).getByRole('button', { name: 'Entfernen' }).click();
      await expect(p.getByRole('heading', { name: 'Sie sind nicht mehr im Wartezimmer' })).toBeVisible();
      // From the frame after the change: Playwright can see the new heading (its check lays the
      // page out) before the browser renders the frame that records the change's own shift
      // (seen once in a full run on a loaded machine: 0.328, the footer moving up).
      const changed = await p.evaluate(() => new Promise<number>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now())))));
      await expect(p.getByRole('link', { name: 'Zum Eingang' })).toBeVisible();
      await p.waitForTimeout(1_000);
      await check(p, 'patient-removed', found, changed);
    } finally {
      await patientBrowser.close();
      await guest.close();
    }
    expect(found, found.join('\n')).toEqual([]);
  });
}

/** Blocks the pages' code (every script and WebAssembly file) in `context`: the pages as a
 * phone shows them before their code has loaded. */
async function withoutCode(context: BrowserContext) {
  await context.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
}

test('Bevor der Seitencode geladen ist, bietet keine Seite einen Knopf an, der dann nichts täte', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  await newPracticeLoggedIn(page, `ohnecode.${stamp}@praxis-e2e.de`, `Praxis Ohne Code ${lettersOf(stamp)}`);
  const patient = `Paula Ohnecode ${lettersOf(stamp)}`;
  const code = await bookNow(page, patient, `ohnecode.${stamp}@example.org`);
  await page.goto('/praxis/termine');
  const appointment = (await page.locator('a[href^="/praxis/termin/"]').first().getAttribute('href'))!.split('/').pop();
  await page.goto('/praxis/praxisseite');
  await page.getByLabel('Praxisseite einschalten (öffentlich erreichbar)').check();
  await page.getByRole('button', { name: 'Speichern' }).click();
  await expect(page.getByRole('status')).toHaveText('Die Einstellungen der Praxisseite sind gespeichert.');
  const publicPath = new URL(await page.getByLabel('Adresse der Praxisseite').inputValue()).pathname;
  const found: string[] = [];
  const inspect = async (p: Page, path: string) => {
    for (const control of await controlsThatNeedCode(p)) found.push(`${path}: ${control}`);
  };

  // The patient: entrance and room (entered with a plain form post).
  const patientContext = await browser.newContext({ baseURL: test.info().project.use.baseURL, locale: 'de-DE', viewport: { width: 360, height: 740 } });
  await withoutCode(patientContext);
  const p = await patientContext.newPage();
  for (const path of [
    '/', '/videosprechstunde', '/nutzungsbedingungen', '/datenschutz', '/auftragsverarbeitung', '/impressum',
    '/registrieren', '/registrieren/gesendet', '/registrieren/link-ungueltig', '/registrieren/bestaetigen?token=x',
    '/anmelden', '/passwort-vergessen', '/passwort-neu', '/passwort-neu?token=x', '/einladung', '/diese-seite-gibt-es-nicht',
    publicPath,
  ]) {
    await p.goto(path);
    await inspect(p, path);
  }
  await enterRoom(p, patient, code);
  await expect(p.getByRole('button', { name: 'Testton abspielen' })).toBeDisabled();
  await inspect(p, '/videosprechstunde/raum');
  await patientContext.close();

  // The practice's pages.
  await withoutCode(page.context());
  for (const path of [
    '/praxis', '/praxis/termine', '/praxis/termine?ansicht=tag', '/praxis/termine/neu', '/praxis/termine/einstellungen',
    `/praxis/termin/${appointment}`, `/praxis/gespraech/${appointment}`, '/praxis/einwilligungen', '/praxis/protokoll',
    '/praxis/kv-antrag', '/praxis/praxisseite', '/praxis/stammdaten', '/praxis/rechnungsdaten', '/praxis/vertrag',
    '/praxis/vertrag/kuendigen', '/praxis/team', '/praxis/sicherheit',
  ]) {
    await page.goto(path);
    // The code is really held back: the live panel's sound button waits for it.
    if (path === '/praxis') await expect(page.locator('details.waiting-panel button[aria-pressed]')).toBeDisabled();
    await inspect(page, path);
  }
  expect(found, found.join('\n')).toEqual([]);
});
