import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { launchFirefox, text, until } from './firefox';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { bookNow, lettersOf } from './room';

const fixtures = `${__dirname}/../../server/tests/fixtures/consent`;

/** The owner creates the practice's key with `passphrase` (the recovery code is then shown). */
async function createKey(page: Page, passphrase: string) {
  await page.goto('/praxis/einwilligungen');
  await expect(page.getByRole('heading', { name: 'Einwilligungen', level: 1 })).toBeVisible();
  await page.getByLabel('Passphrase der Praxis', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase wiederholen').fill(passphrase);
  await page.getByRole('button', { name: 'Schlüssel erzeugen' }).click();
  await expect(page.getByText('Der Schlüssel ist eingerichtet.')).toBeVisible({ timeout: 40_000 });
}

test('Einwilligung: Praxis richtet den Schlüssel ein, Patientin lädt die unterschriebene Erklärung verschlüsselt hoch, die Ärztin öffnet und bestätigt sie', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const patient = `Jürgen Einwilligung ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `einwilligung.${stamp}@praxis-e2e.de`, 'Praxis Einwilligung');
  const code = await bookNow(page, patient, `einwilligung.${stamp}@example.org`);

  // The owner creates the practice's key: the recovery code is shown once. The key's code
  // (Argon2id, X25519, AES-GCM) is a part of the practice's bundle loaded when the form is sent:
  // not with the page; blocked, the form says why; sent again, it works.
  const passphrase = 'Sonnige Praxis am Markt 2026';
  const keyParts: string[] = [];
  page.on('request', (request) => { if (request.url().includes('.split_keys.')) keyParts.push(request.url()); });
  await page.route(/\.split_keys\.wasm$/, (route) => route.abort());
  await page.goto('/praxis/einwilligungen');
  await expect(page.getByRole('heading', { name: 'Einwilligungen', level: 1 })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(keyParts, 'the key part before the form is sent').toEqual([]);
  await page.getByLabel('Passphrase der Praxis', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase wiederholen').fill(passphrase);
  await page.getByRole('button', { name: 'Schlüssel erzeugen' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Die Verbindung zum Server ist unterbrochen' })).toBeVisible();
  expect(keyParts.length, 'the key part requested on sending').toBeGreaterThan(0);
  await page.screenshot({ path: test.info().outputPath('key-part-blocked.png'), fullPage: true });
  await page.unroute(/\.split_keys\.wasm$/);
  // Sent again on a slow line: while the code loads, the button takes no second click (a second
  // key's refusal would have hidden the first one's recovery code).
  await page.route(/\.split_keys\.wasm$/, async (route) => {
    await new Promise((done) => setTimeout(done, 3_000));
    await route.continue();
  });
  await page.getByLabel('Passphrase der Praxis', { exact: true }).fill(passphrase);
  await page.getByLabel('Passphrase wiederholen').fill(passphrase);
  await page.getByRole('button', { name: 'Schlüssel erzeugen' }).click();
  await expect(page.getByRole('button', { name: 'Schlüssel erzeugen' })).toBeDisabled({ timeout: 2_000 });
  await expect(page.getByText('Der Schlüssel ist eingerichtet.')).toBeVisible({ timeout: 40_000 });
  await page.unroute(/\.split_keys\.wasm$/);
  const recovery = await page.getByRole('status').locator('output').textContent();
  expect(recovery?.trim()).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{2,4}){6}$/);
  // The text says to print it: "Drucken" is there, and on paper only the code's sheet appears.
  await expect(page.getByRole('button', { name: 'Drucken' })).toBeVisible();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('status').locator('output')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Einwilligungen', level: 1 })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Drucken' })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });
  await page.getByRole('link', { name: 'Ich habe den Code sicher notiert' }).click();
  await expect(page.getByText('Der Schlüssel Ihrer Praxis ist eingerichtet.')).toBeVisible();
  expect((await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze()).violations).toEqual([]);

  // The waiting list on every practice page shows the consent as missing.
  const entry = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
  await expect(entry).toContainText('Einwilligung: fehlt');

  // The patient (a phone-sized window) enters with the code and finds the consent section.
  const context = await browser.newContext({
    baseURL: test.info().project.use.baseURL, locale: 'de-DE', viewport: { width: 360, height: 780 },
    permissions: ['camera', 'microphone'],
  });
  try {
    const p = await context.newPage();
    // The sealing is loaded when a file is chosen, not with the page.
    const sealRequests: string[] = [];
    p.on('request', (request) => { if (request.url().includes('/pkg/sprechzimmer-seal.')) sealRequests.push(request.url()); });
    // So is the upload's own code (a part of the page's bundle, loaded on use).
    const uploadParts: string[] = [];
    p.on('request', (request) => { if (request.url().includes('.split_upload.')) uploadParts.push(request.url()); });
    await p.goto('/videosprechstunde');
    await p.getByLabel(/^Ihr Name/).fill(patient);
    await p.getByLabel(/^Zugangscode/).fill(code);
    await p.getByRole('button', { name: 'Raum betreten' }).click();
    await expect(p).toHaveURL(/\/videosprechstunde\/raum$/);
    const section = p.getByRole('region', { name: 'Einverständniserklärung' });
    await expect(section).toBeVisible();

    // The form to print carries the practice's and the patient's names.
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      section.getByRole('link', { name: 'Einverständniserklärung herunterladen (PDF)' }).click(),
    ]);
    const pdf = await download.path();
    const text = execFileSync('pdftotext', [pdf, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain(patient);
    expect(text).toContain('Praxis Einwilligung');

    // A renamed program is refused by its content, with a German message; nothing is sent.
    const picker = section.getByLabel('Unterschriebene Erklärung hochladen');
    // Without a connection for the upload's code the patient reads why; choosing again loads it.
    expect(uploadParts).toEqual([]);
    await p.route(/\.split_upload\.wasm$/, (route) => route.abort());
    await picker.setInputFiles(`${fixtures}/umbenannt.pdf`);
    await expect(section.getByRole('listitem').filter({ hasText: 'umbenannt.pdf' }).getByRole('alert'))
      .toHaveText('Die Verbindung zum Server ist unterbrochen. Bitte versuchen Sie es noch einmal.');
    await p.unroute(/\.split_upload\.wasm$/);
    expect(uploadParts.length).toBeGreaterThan(0);
    await picker.setInputFiles(`${fixtures}/umbenannt.pdf`);
    await expect(section.getByRole('alert').filter({ hasText: 'kein PDF, JPEG, PNG oder HEIC' })).toBeVisible();

    // The encryption is a module of its own, loaded when a file is chosen: when it cannot be
    // loaded the patient reads why, nothing is sent, and choosing the file again loads it.
    expect(sealRequests).toEqual([]);
    await p.route('**/sprechzimmer-seal.*', (route) => route.abort());
    await picker.setInputFiles(`${fixtures}/foto.png`);
    await expect(section.getByRole('listitem').filter({ hasText: 'foto.png' }).getByRole('alert'))
      .toHaveText('Die Verschlüsselung für das Hochladen ließ sich nicht laden. Bitte prüfen Sie Ihre Internetverbindung und wählen Sie die Datei noch einmal; hilft das nicht, laden Sie die Seite neu.');
    // Nothing reached the practice.
    await expect(entry).toContainText('Einwilligung: fehlt');
    await p.screenshot({ path: test.info().outputPath('seal-unavailable-360.png'), fullPage: true });
    await p.unroute('**/sprechzimmer-seal.*');
    expect(sealRequests.length).toBeGreaterThan(0);

    // The photo of the signed form, chosen again: preview, progress to 100 %, done.
    await picker.setInputFiles(`${fixtures}/foto.png`);
    const item = section.getByRole('listitem').filter({ hasText: 'foto.png' }).last();
    await expect(item.getByRole('img', { name: 'Vorschau der gewählten Seite' })).toBeVisible();
    await expect(item.getByRole('progressbar', { name: 'Fortschritt des Hochladens' })).toHaveAttribute('value', '100', { timeout: 40_000 });
    await expect(item.getByRole('status')).toHaveText('Hochgeladen.');
    await expect(section.getByText('Danke! Ihre Erklärung ist verschlüsselt bei der Praxis angekommen.')).toBeVisible();
    // The doctor's open page changes at once, without a reload.
    await expect(entry).toContainText('Einwilligung: zu prüfen');
    expect((await new AxeBuilder({ page: p }).include('section.card').withTags(['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa']).analyze()).violations).toEqual([]);

    // A page chosen before the page's code has loaded (a slow phone: the picker works from the
    // first paint) is uploaded as soon as the code runs, not silently dropped.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await p.route('**/*.wasm', async (route) => { await held; await route.continue(); });
    await p.reload();
    await section.getByLabel('Unterschriebene Erklärung hochladen').setInputFiles(`${fixtures}/foto.png`);
    release();
    const early = section.getByRole('listitem').filter({ hasText: 'foto.png' });
    await expect(early.getByRole('status')).toHaveText('Hochgeladen.', { timeout: 60_000 });
    await p.unroute('**/*.wasm');
  } finally {
    await context.close();
  }

  // The practice sees "zu prüfen" in the calendar and in the waiting list.
  await page.goto('/praxis/termine');
  // The calendar's item is the one linking to the appointment (the waiting list has no such link);
  // it sits inside its day's item, so the innermost (last) one.
  const booked = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: patient }) }).last();
  await expect(booked).toContainText('Einwilligung: zu prüfen');
  await expect(entry).toContainText('Einwilligung: zu prüfen');

  // The doctor opens the consent: a wrong passphrase opens nothing, the right one shows the photo.
  await page.goto('/praxis/einwilligungen');
  await page.getByRole('link', { name: patient }).click();
  // (The waiting list on the same page shows the badge too: check the consent's own status line.)
  await expect(page.getByRole('paragraph').filter({ hasText: 'hochgeladen am' })).toContainText('Einwilligung: zu prüfen');
  await page.getByLabel('Passphrase der Praxis', { exact: true }).fill('nicht die richtige Passphrase');
  await page.getByRole('button', { name: 'Dokumente entschlüsseln' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'stimmt nicht' })).toBeVisible({ timeout: 40_000 });
  await page.getByLabel('Passphrase der Praxis', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Dokumente entschlüsseln' }).click();
  const shown = page.getByRole('img', { name: /^Dokument 1/ });
  await expect(shown).toBeVisible({ timeout: 40_000 });
  // The same picture the patient chose: pixel by pixel equal to the file on disk (decoded from
  // a data: URL in the same page; the CSP keeps blob: addresses out of fetch).
  const original = readFileSync(`${fixtures}/foto.png`).toString('base64');
  const samePixels = await shown.evaluate(async (img: HTMLImageElement, b64: string) => {
    const reference = new Image();
    reference.src = `data:image/png;base64,${b64}`;
    await reference.decode();
    const pixels = (source: HTMLImageElement) => {
      const canvas = document.createElement('canvas');
      canvas.width = source.naturalWidth;
      canvas.height = source.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(source, 0, 0);
      return ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    };
    const a = pixels(img);
    const b = pixels(reference);
    return a.length === b.length && a.length > 0 && a.every((v, i) => v === b[i]);
  }, original);
  expect(samePixels).toBe(true);
  expect(await shown.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(480);

  // Confirmed: the status reads "bestätigt" on the page, in the calendar and in the waiting list.
  await page.getByRole('button', { name: 'Einwilligung bestätigen' }).click();
  await expect(page.getByText('Die Einwilligung ist bestätigt.')).toBeVisible();
  await expect(page.getByRole('paragraph').filter({ hasText: 'bestätigt am' })).toContainText('Einwilligung: bestätigt');
  await page.goto('/praxis/termine');
  await expect(booked).toContainText('Einwilligung: bestätigt');
  await expect(entry).toContainText('Einwilligung: bestätigt');

  // Passphrase forgotten: the recovery code (typed in lower case with spaces) opens the documents
  // and sets a new passphrase; the old one no longer works.
  await page.goto('/praxis/einwilligungen');
  await page.getByRole('link', { name: patient }).click();
  await page.getByLabel('Stattdessen den Wiederherstellungscode verwenden').check();
  await page.getByLabel('Wiederherstellungscode', { exact: true }).fill(recovery!.trim().toLowerCase().replace(/-/g, ' '));
  const renewed = 'Neue Passphrase fuer das Team';
  await page.getByLabel('Neue Passphrase der Praxis').fill(renewed);
  await page.getByLabel('Passphrase wiederholen').fill(renewed);
  await page.getByRole('button', { name: 'Dokumente entschlüsseln' }).click();
  await expect(page.getByText('Die neue Passphrase ist gespeichert.')).toBeVisible({ timeout: 40_000 });
  await expect(page.getByRole('img', { name: /^Dokument 1/ })).toBeVisible();
  await page.reload();
  await page.getByLabel('Passphrase der Praxis', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Dokumente entschlüsseln' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'stimmt nicht' })).toBeVisible({ timeout: 40_000 });
  await page.getByLabel('Passphrase der Praxis', { exact: true }).fill(renewed);
  await page.getByRole('button', { name: 'Dokumente entschlüsseln' }).click();
  await expect(page.getByRole('img', { name: /^Dokument 1/ })).toBeVisible({ timeout: 40_000 });

  // The audit log names every step.
  await page.goto('/praxis/protokoll');
  for (const line of ['Schlüssel eingerichtet', 'Dokument hochgeladen', 'Dokument geöffnet', 'Einwilligung bestätigt', 'Passphrase geändert']) {
    await expect(page.getByRole('cell', { name: line }).first()).toBeVisible();
  }
});

test('Einwilligung in Firefox ESR: die Patientin lädt ihre Erklärung auf dem Telefon hoch, die Praxis sieht sie', async ({ page }) => {
  test.setTimeout(240_000);
  const stamp = Date.now();
  const patient = `Fanny Fuchsbau ${lettersOf(stamp)}`;
  await newPracticeLoggedIn(page, `fuchsbau.${stamp}@praxis-e2e.de`, 'Praxis Fuchsbau');
  const code = await bookNow(page, patient, `fuchsbau.${stamp}@example.org`);
  await createKey(page, 'Fuchsbau am Waldrand 2026');
  await page.getByRole('link', { name: 'Ich habe den Code sicher notiert' }).click();
  const entry = page.locator('details.waiting-panel').getByRole('listitem').filter({ hasText: patient });
  await expect(entry).toContainText('Einwilligung: fehlt');

  const firefox = await launchFirefox(true);
  try {
    const fp = await firefox.newPage();
    await fp.setViewport({ width: 360, height: 740 });
    await fp.goto(`${test.info().project.use.baseURL}/videosprechstunde`);
    await fp.locator('#entry-name').fill(patient);
    await fp.locator('#entry-code').fill(code);
    await fp.locator('button::-p-text(Raum betreten)').click();
    await fp.waitForFunction(() => location.pathname === '/videosprechstunde/raum');
    // The seal module is imported by the island script's loader (CSP 'strict-dynamic') and
    // seals the photo in Firefox too.
    const input = await fp.waitForSelector('#consent-file');
    await input!.uploadFile(`${fixtures}/foto.png`);
    await until('the upload is done in Firefox', () => text(fp, '.upload-item .upload-state'), (t) => t === 'Hochgeladen.', 60_000);
    await fp.$eval('.upload-item', (item) => item.scrollIntoView({ block: 'center' }));
    await fp.screenshot({ path: test.info().outputPath('firefox-upload-360.png'), fullPage: true });
    await expect(entry).toContainText('Einwilligung: zu prüfen', { timeout: 40_000 });
  } finally {
    await firefox.close();
  }
});
