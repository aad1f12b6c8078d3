import puppeteer, { Browser as Firefox, Page as FirefoxPage } from 'puppeteer-core';

// Patients and further persons use Firefox too: Firefox ESR headless, driven over WebDriver
// BiDi (puppeteer-core), with Firefox's fake camera and microphone.
export const firefoxPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
};

export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeout = 40_000): Promise<T> {
  const end = Date.now() + timeout;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeout} ms`);
}

/** Clicks `selector` in Firefox until `done` holds: under load a click can land while the
 * button moves (the tech test's list grows), as a person would simply click again. */
export async function clickUntil(fp: FirefoxPage, selector: string, done: () => Promise<boolean>, timeout = 40_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    await fp.locator(selector).setTimeout(Math.max(1_000, end - Date.now())).click();
    for (let i = 0; i < 20; i++) {
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`clicking ${selector} had no effect within ${timeout} ms`);
}

export const exists = (fp: FirefoxPage, selector: string) => fp.$(selector).then((e) => e !== null);

export const text = (fp: FirefoxPage, selector: string) => fp.$eval(selector, (e) => e.textContent ?? '').catch(() => '');

/** A headless Firefox ESR with a silent sound device (scripts/test.sh): without one Firefox
 * keeps audio suspended. Its pages ask for English unless `german` (the app answers in German
 * where no English text exists yet). */
export async function launchFirefox(german = false): Promise<Firefox> {
  const language = german ? { 'intl.accept_languages': 'de-DE, de' } : {};
  return puppeteer.launch({
    browser: 'firefox', protocol: 'webDriverBiDi', executablePath: '/usr/bin/firefox-esr',
    headless: true, extraPrefsFirefox: { ...firefoxPrefs, ...language },
    env: { ...process.env, PULSE_SERVER: process.env.SPRECHZIMMER_FIREFOX_PULSE_SERVER ?? '' },
  });
}

/** Name and code at the entrance, the tech test (the microphone meter must move), the waiting
 * room — in Firefox. */
export async function enterInFirefox(fp: FirefoxPage, base: string, name: string, code: string) {
  await fp.goto(`${base}/videosprechstunde`);
  await fp.locator('#entry-name').fill(name);
  await fp.locator('#entry-code').fill(code);
  await fp.locator('button::-p-text(Raum betreten)').click();
  await fp.waitForFunction(() => location.pathname === '/videosprechstunde/raum');
  await clickUntil(fp, 'button::-p-text(Testton abspielen)', () => exists(fp, 'button::-p-text(Ich höre den Ton)'));
  await until('the microphone level moves in Firefox', () => fp.$eval('#mic-level', (m) => (m as HTMLMeterElement).value), (v) => v > 0);
  await fp.locator('button::-p-text(Ich höre den Ton)').click();
  await fp.locator('button::-p-text(Weiter ins Wartezimmer)').setTimeout(40_000).click();
  await fp.locator('h2::-p-text(Sie sind im Wartezimmer)').wait();
}
