import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures';
import { newPracticeLoggedIn } from './practice';
import { waitForMail } from './mail';
import { bookNow, enterAndPassTechTest } from './room';
import { lookAt } from './look';

test('Weitere Person: die Praxis lädt eine Dolmetscherin ein, sie tritt mit eigenem Code ein, wartet und erscheint unter dem Termin mit ihrer Rolle', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const stamp = Date.now();
  const patient = `Erika Gruppe ${stamp}`;
  const guestEmail = `dana.${stamp}@example.org`;

  await newPracticeLoggedIn(page, `gruppe.${stamp}@praxis-e2e.de`, 'Praxis Gruppe');
  await bookNow(page, patient, `erika.${stamp}@example.org`);
  await page.getByRole('link', { name: new RegExp(patient) }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Termin' })).toBeVisible();

  // The section says who may come, and the form asks name, address and role.
  const section = page.getByRole('region', { name: 'Weitere Personen' });
  await expect(section).toContainText('Höchstens 4 Personen je Sprechstunde');
  await section.getByText('Weitere Person einladen').click();
  // An address the browser lets through but no mail reaches: the form comes back with the
  // German message next to the field and what was typed.
  await section.getByLabel(/^Vollständiger Name/).fill('Dana Dolmetscherin');
  await section.getByLabel(/^E-Mail-Adresse/).fill('dana@localhost');
  await section.getByRole('button', { name: 'Einladung senden' }).click();
  await expect(page.locator('#guest-errors')).toBeVisible();
  await expect(page.locator('#guest-email-error')).not.toBeEmpty();
  await expect(section.getByLabel(/^E-Mail-Adresse/)).toHaveAttribute('aria-invalid', 'true');
  await expect(section.getByLabel(/^Vollständiger Name/)).toHaveValue('Dana Dolmetscherin');
  await section.getByLabel(/^E-Mail-Adresse/).fill(guestEmail);
  await section.getByLabel('Rolle').selectOption({ label: 'Dolmetscher/in' });
  await section.getByRole('button', { name: 'Einladung senden' }).click();
  await expect(page.getByText('Die Einladung mit eigenem Zugangscode ist verschickt.')).toBeVisible();
  const item = page.getByRole('region', { name: 'Weitere Personen' }).getByRole('listitem').filter({ hasText: 'Dana Dolmetscherin' });
  await expect(item).toContainText('Dolmetscher/in');
  await expect(item.getByRole('button', { name: 'Ausladen: Dana Dolmetscherin' })).toBeVisible();
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  expect(axe.violations, 'axe on the appointment with a guest').toEqual([]);
  expect(await lookAt(page), 'the appointment page as a reader sees it').toEqual([]);

  const invitation = await waitForMail(guestEmail, /Einladung zur Videosprechstunde am/);
  expect(invitation.text).toContain('als Dolmetscher/in');
  expect(invitation.text).not.toContain(patient);
  const code = /\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b/.exec(invitation.text)![0];

  // The guest on a phone of her own (a browser context of its own: no cookie shared with the
  // practice): the same entrance, tech test and waiting room.
  {
    const context = await browser.newContext({
      baseURL: test.info().project.use.baseURL, locale: 'de-DE', viewport: { width: 360, height: 740 },
      permissions: ['camera', 'microphone'],
    });
    const g = await context.newPage();
    await enterAndPassTechTest(g, 'Dana Dolmetscherin', code);
    await expect(g.getByText(patient)).toHaveCount(0);
    await expect(g.getByText(/Einverständniserklärung/)).toHaveCount(0);

    // The doctor's live list: under the appointment, with her role, waiting.
    await page.goto('/praxis');
    const panel = page.locator('details.waiting-panel');
    await expect(panel.locator(':scope > summary')).toContainText('1 wartet');
    const guest = panel.locator('.roster-guest').filter({ hasText: 'Dana Dolmetscherin' });
    await expect(guest).toContainText('Dolmetscher/in');
    await expect(guest).toContainText('wartet seit');
    await expect(panel.getByRole('listitem').filter({ hasText: patient }).first()).toContainText('noch nicht da');

    // A note to the guest reaches her waiting room.
    await guest.getByRole('button', { name: 'Nachricht senden' }).click();
    await page.getByLabel(/^Nachricht an Dana Dolmetscherin/).fill('Einen Moment bitte');
    await guest.getByRole('button', { name: 'Senden', exact: true }).click();
    await expect(g.getByText('Einen Moment bitte')).toBeVisible();
    expect(await lookAt(page), 'the live list with a guest').toEqual([]);
    await context.close();
  }
});
