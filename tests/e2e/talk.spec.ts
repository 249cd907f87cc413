import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { SHOTS as ALL_SHOTS, phone as openPhone, present, slideOf } from './helpers';

const SHOTS = `${ALL_SHOTS}/talk`;

/** Presses `key` until the projector reports `attr` = `value`; fails if it never does. */
async function pressUntil(presenter: Page, key: string, attr: 'data-h' | 'data-v' | 'data-f', value: string) {
  const projector = presenter.getByTestId('projector');
  for (let i = 0; i < 12 && (await projector.getAttribute(attr)) !== value; i++) {
    const before = await projector.getAttribute('data-version');
    await presenter.keyboard.press(key);
    await expect(projector).not.toHaveAttribute('data-version', before ?? '');
  }
  await expect(projector).toHaveAttribute(attr, value);
}

test('the talk: the first slide of every section, and the fight club, on a projector and a phone', async ({ browser }) => {
  test.setTimeout(120_000);
  const { presenter, code } = await present(browser, 'From iterators to asyncio', { width: 1280, height: 720 });
  const phone = await openPhone(browser, 'Pixel 7', code);
  const phoneSlide = slideOf(phone);

  const sections = await presenter.locator('.reveal .slides > section').count();
  const titles: string[] = [];
  expect(sections).toBeGreaterThanOrEqual(12);
  for (let h = 0; h < sections; h++) {
    if (h > 0) await pressUntil(presenter, 'ArrowRight', 'data-h', String(h));
    await expect(phoneSlide).toHaveAttribute('data-h', String(h));
    const title = (await presenter.locator('.reveal .slides section.present:not(.stack)').locator('h1, h2').first().innerText()).trim();
    await expect(phoneSlide.locator('h1, h2').first()).toHaveText(title);
    titles.push(title);
    const name = `${String(h).padStart(2, '0')}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    await presenter.screenshot({ path: `${SHOTS}/${name}-projector.png` });
    await phone.screenshot({ path: `${SHOTS}/${name}-phone.png` });
    // One slide of each kind a section holds: code with its captured output, and a prediction.
    for (const [kind, selector] of [['example', '.example-output'], ['predict', '.predict-block']] as const) {
      if (!['Generators', 'send()'].includes(title)) continue;
      const here = presenter.locator(`.reveal .slides section.present:not(.stack) ${selector}`);
      for (let i = 0; i < 12 && !(await here.count()); i++) await pressUntil(presenter, 'ArrowDown', 'data-v', String(Number(await presenter.getByTestId('projector').getAttribute('data-v')) + 1));
      await expect(here).toBeVisible();
      await expect(phoneSlide.locator(selector)).toBeVisible();
      await presenter.screenshot({ path: `${SHOTS}/${name}-${kind}-projector.png` });
      await phone.screenshot({ path: `${SHOTS}/${name}-${kind}-phone.png`, fullPage: true });
    }
    if (await presenter.getByTestId('projector').getAttribute('data-v') !== '0') await pressUntil(presenter, 'ArrowUp', 'data-v', '0');
    if (title === 'The GIL') {
      // Down the GIL section to the fight club, both rules revealed.
      for (let i = 0; i < 6 && !(await presenter.locator('section.fight-club.present').count()); i++) {
        const before = await presenter.getByTestId('projector').getAttribute('data-version');
        await presenter.keyboard.press('ArrowDown');
        await expect(presenter.getByTestId('projector')).not.toHaveAttribute('data-version', before ?? '');
      }
      await expect(presenter.locator('section.fight-club.present')).toBeVisible();
      await pressUntil(presenter, 'ArrowRight', 'data-f', '1');
      await expect(phoneSlide).toHaveClass(/fight-club/);
      await expect(phoneSlide.locator('.fragment.visible')).toHaveCount(2);
      await expect(phoneSlide).toContainText('You do NOT talk about the GIL');
      await presenter.screenshot({ path: `${SHOTS}/${name}-fight-club-projector.png` });
      await phone.screenshot({ path: `${SHOTS}/${name}-fight-club-phone.png` });
      await pressUntil(presenter, 'ArrowUp', 'data-v', '0');
    }
  }
  // The sections checked in depth above are found by title: a renamed one fails here instead of going unchecked.
  expect(titles).toEqual(expect.arrayContaining(['Generators', 'send()', 'The GIL']));
});
