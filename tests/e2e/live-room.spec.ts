import { devices, expect, test } from '@playwright/test';
import { SHOTS, phone, present, slideOf } from './helpers';

test('phones follow the presenter, catch up after a reload and come back to live', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const [pixel, iphone] = [await phone(browser, 'Pixel 7', code), await phone(browser, 'iPhone 14', code)];
  await expect(presenter.getByTestId('audience')).toHaveText('2 joined');
  for (const p of [pixel, iphone]) await expect(slideOf(p)).toContainText('Welcome to yieldroom');

  await presenter.keyboard.press('ArrowRight');
  for (const p of [pixel, iphone]) {
    await expect(slideOf(p)).toHaveAttribute('data-h', '1');
    await expect(slideOf(p)).toContainText('How it works');
    await expect(slideOf(p).locator('.fragment.visible')).toHaveCount(0);
  }

  await presenter.keyboard.press('ArrowRight'); // first fragment
  for (const p of [pixel, iphone]) {
    await expect(slideOf(p)).toHaveAttribute('data-f', '0');
    await expect(slideOf(p).locator('.fragment.visible')).toHaveText(['The presenter moves a slide']);
  }

  await pixel.reload();
  await expect(slideOf(pixel)).toHaveAttribute('data-h', '1');
  await expect(slideOf(pixel)).toHaveAttribute('data-f', '0');

  await iphone.getByRole('button', { name: 'Previous slide' }).click();
  await expect(slideOf(iphone)).toContainText('Welcome to yieldroom');
  await presenter.keyboard.press('ArrowRight'); // second fragment: the browsing phone stays put
  await expect(slideOf(pixel)).toHaveAttribute('data-f', '1');
  await expect(slideOf(iphone)).toHaveAttribute('data-h', '0');
  await iphone.getByRole('button', { name: 'Back to live' }).click();
  await expect(slideOf(iphone)).toHaveAttribute('data-h', '1');
  await expect(slideOf(iphone)).toHaveAttribute('data-f', '1');
  await expect(iphone.getByRole('button', { name: 'Back to live' })).toHaveCount(0);

  // A reloaded presenter tab resumes control where it was.
  await presenter.reload();
  await expect(presenter.locator('.reveal.ready')).toBeVisible();
  await expect(presenter.locator('.reveal .slides section.present:not(.stack)')).toContainText('How it works');
  await presenter.keyboard.press('ArrowRight');
  await expect(slideOf(pixel)).toHaveAttribute('data-f', '2');

  await presenter.screenshot({ path: `${SHOTS}/presenter.png` });
  await iphone.screenshot({ path: `${SHOTS}/phone-iphone14.png` });
  await presenter.keyboard.press('q');
  await expect(presenter.getByTestId('join-code')).toHaveText(code);
  await expect(presenter.getByRole('img', { name: /QR code/ })).toBeVisible();
  await presenter.screenshot({ path: `${SHOTS}/qr-overlay.png` });
});

test('a code slide steps its highlight on the phone, laid out without sideways scrolling', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const pixel = await phone(browser, 'Pixel 7', code);
  // Right arrow walks every step: three fragments, the vertical child, then the code slide and its two steps.
  for (let i = 0; i < 8; i++) await presenter.keyboard.press('ArrowRight');
  await expect(slideOf(pixel)).toContainText('Code, one line at a time');
  await expect(slideOf(pixel)).toHaveAttribute('data-f', '1');
  await expect(slideOf(pixel).locator('pre.fragment.visible')).toHaveCount(2);
  const overflow = await pixel.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  await pixel.screenshot({ path: `${SHOTS}/phone-pixel7-code.png` });
  await presenter.screenshot({ path: `${SHOTS}/presenter-code.png` });
});

test('the speaker view shows notes, a timer and the audience, and drives the deck', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const pixel = await phone(browser, 'Pixel 7', code);
  const speaker = await presenter.context().newPage();
  await speaker.goto(`/present/${code}/speaker`);
  await expect(speaker.getByTestId('notes')).toContainText('Greet the room');
  await expect(speaker.getByTestId('timer')).toHaveText(/^\d\d:\d\d$/);
  await expect(speaker.getByTestId('speaker-audience')).toHaveText('1 joined');
  await speaker.getByRole('button', { name: 'Forward' }).click();
  await expect(speaker.getByTestId('notes')).toContainText('Step through the three fragments');
  await expect(presenter.locator('.reveal .slides > section.present')).toContainText('How it works');
  await expect(slideOf(pixel)).toContainText('How it works');
  await speaker.screenshot({ path: `${SHOTS}/speaker.png` });
});

test('notes never reach a phone, and a wrong code gets a friendly page', async ({ browser }) => {
  const { code } = await present(browser);
  const pixel = await phone(browser, 'Pixel 7', code);
  expect(await pixel.content()).not.toContain('Greet the room');
  await pixel.goto('/r/ZZZZZZ');
  await expect(pixel.getByRole('heading', { name: 'No room with that code' })).toBeVisible();
  await expect(pixel.getByRole('link', { name: 'Enter another code' })).toBeVisible();
  await pixel.screenshot({ path: `${SHOTS}/phone-wrong-code.png` });
});

test('the live slide is in the phone page’s HTML: a phone sees it, fragments as far as the presenter went, before any script runs', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  await presenter.keyboard.press('ArrowRight');
  await presenter.keyboard.press('ArrowRight'); // "How it works", first fragment
  await expect(presenter.getByTestId('projector')).toHaveAttribute('data-f', '0');

  const { defaultBrowserType: _webkit, ...pixel } = devices['Pixel 7'];
  const scriptless = await (await browser.newContext({ ...pixel, javaScriptEnabled: false })).newPage();
  await scriptless.goto(`/r/${code}`);
  const first = scriptless.getByTestId('first-slide');
  await expect(first).toContainText('How it works');
  await expect(first.locator('.fragment').first()).toBeVisible();
  await expect(first.locator('.fragment').nth(1)).toBeHidden();
  await expect(scriptless.locator('[data-phone-header]')).toContainText(`2 / `);
  await scriptless.screenshot({ path: `${SHOTS}/phone-first-slide-no-js.png` });

  // With its script, the page goes live on the same slide.
  const live = await phone(browser, 'Pixel 7', code);
  await expect(slideOf(live)).toHaveAttribute('data-f', '0');
  await expect(live.getByTestId('first-slide')).toHaveCount(0);
});
