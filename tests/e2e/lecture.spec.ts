import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { SHOTS, phone, present, slideOf } from './helpers';

const at = async (page: Page) => {
  const projector = page.getByTestId('projector');
  return { h: await projector.getAttribute('data-h'), v: await projector.getAttribute('data-v'), f: await projector.getAttribute('data-f'), version: await projector.getAttribute('data-version') };
};

async function speakerFor(presenter: Page, code: string) {
  const speaker = await presenter.context().newPage();
  await speaker.goto(`/present/${code}/speaker`);
  await expect(speaker.getByTestId('notes')).toBeVisible();
  await expect(speaker.getByTestId('speaker-connection')).toHaveAttribute('data-status', 'live');
  return speaker;
}

async function quickPoll(speaker: Page, question: string, kind: string, options: string[] = []) {
  const form = speaker.locator('details').filter({ hasText: 'Ask a quick poll' });
  if (!(await form.getAttribute('open'))) await form.locator('summary').click();
  await speaker.getByLabel('Question').fill(question);
  await speaker.getByLabel('Kind').selectOption(kind);
  if (options.length) await speaker.getByLabel('Options, one per line').fill(options.join('\n'));
  await speaker.getByRole('button', { name: 'Open poll' }).click();
}

/** The element lies inside the viewport, between the phone's sticky header and its sticky nav. */
async function clearOfBars(page: Page, target: Locator) {
  await expect
    .poll(async () => {
      const box = (await target.boundingBox())!;
      const header = (await page.locator('[data-phone-header]').boundingBox())!;
      const nav = (await page.locator('[data-phone-nav]').boundingBox())!;
      return box.y >= header.y + header.height && box.y + box.height <= nav.y && nav.y + nav.height <= page.viewportSize()!.height;
    })
    .toBe(true);
}

test('keys belong to the lecturer: typing and focused buttons never move the class; one-key actions and ? help', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const speaker = await speakerFor(presenter, code);
  await speaker.keyboard.press('ArrowRight');
  await expect(presenter.getByTestId('projector')).toHaveAttribute('data-h', '1');
  const before = await at(presenter);

  await speaker.locator('summary', { hasText: 'Ask a quick poll' }).click();
  await speaker.getByLabel('Question').click();
  await speaker.keyboard.type('a b c');
  await speaker.keyboard.press('ArrowRight');
  await speaker.keyboard.press('ArrowLeft');
  await expect(speaker.getByLabel('Question')).toHaveValue('a b c');
  await speaker.getByRole('button', { name: 'Pause timer' }).focus();
  await speaker.keyboard.press(' ');
  await expect(speaker.getByTestId('timer')).toHaveAttribute('data-paused', 'true');
  // A round trip the server must answer after any move those keys might have sent.
  await speaker.getByRole('button', { name: 'Pair a phone as clicker' }).click();
  await expect(speaker.getByRole('dialog', { name: 'Pair a phone' })).toBeVisible();
  expect(await at(presenter)).toEqual(before);

  // Reset while paused reads 00:00; the slide's own time is shown beside it.
  await speaker.getByRole('button', { name: 'Reset timer' }).click();
  await expect(speaker.getByTestId('timer')).toHaveText('00:00');
  await expect(speaker.getByTestId('slide-time')).toHaveText(/this slide \d\d:\d\d/);
  await speaker.getByRole('button', { name: 'Run timer' }).click();
  await expect(speaker.getByTestId('timer')).not.toHaveAttribute('data-paused');

  await speaker.getByRole('button', { name: 'Done' }).click();
  await speaker.locator('body').click({ position: { x: 5, y: 300 } });
  await speaker.keyboard.press('?');
  const help = speaker.getByTestId('key-help');
  for (const key of ['C', 'D', 'R', 'A', 'Q', 'B', 'T']) await expect(help.locator('dt', { hasText: new RegExp(`^${key}$`) })).toBeVisible();
  await speaker.screenshot({ path: `${SHOTS}/speaker-keys.png` });
  await speaker.keyboard.press('?');
  await expect(help).toHaveCount(0);

  // Keys in the speaker view reach the projector window: join overlay, black screen, light theme.
  await speaker.keyboard.press('q');
  await expect(presenter.getByTestId('join-overlay')).toBeVisible();
  await speaker.keyboard.press('q');
  await expect(presenter.getByTestId('join-overlay')).toHaveCount(0);
  await speaker.keyboard.press('b');
  await expect(presenter.locator('.reveal.paused')).toHaveCount(1);
  await speaker.keyboard.press('b');
  await expect(presenter.locator('.reveal.paused')).toHaveCount(0);
  await speaker.keyboard.press('t');
  await expect(presenter.locator('.projector')).toHaveClass(/projector-light/);
  await presenter.screenshot({ path: `${SHOTS}/projector-light.png` });
  await speaker.keyboard.press('t');
  await expect(presenter.locator('.projector')).not.toHaveClass(/projector-light/);

  // The projector's own ? help lists the presenter keys too (reveal.js's help overlay).
  await presenter.keyboard.press('Shift+Slash');
  await expect(presenter.locator('.r-overlay-help')).toContainText('Reveal the poll’s results');
});

test('→ walks a vertical stack on the projector, the speaker view and the clicker', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const projector = presenter.getByTestId('projector');
  // Title, then "How it works" and its three fragments, then the slide below it.
  for (let i = 0; i < 5; i++) await presenter.keyboard.press('ArrowRight');
  await expect(projector).toHaveAttribute('data-h', '1');
  await expect(projector).toHaveAttribute('data-v', '1');
  await expect(presenter.locator('.reveal .slides section.present:not(.stack)')).toContainText('Browse back');
  await presenter.keyboard.press(' ');
  await expect(projector).toHaveAttribute('data-h', '2');

  const speaker = await speakerFor(presenter, code);
  await expect(speaker.getByTestId('jump-to-slide')).toHaveValue('3');
  await speaker.keyboard.press('ArrowLeft');
  await expect(projector).toHaveAttribute('data-v', '1');
  await expect(projector).toHaveAttribute('data-h', '1');

  // The clicker: the same controls on a phone-sized page.
  const clicker = await presenter.context().newPage();
  await clicker.setViewportSize({ width: 390, height: 844 });
  await clicker.goto(`/present/${code}/remote`);
  await clicker.getByRole('button', { name: 'Back' }).click();
  await expect(projector).toHaveAttribute('data-v', '0');
  await expect(projector).toHaveAttribute('data-f', '2');
  await clicker.getByRole('button', { name: 'Forward' }).click();
  await expect(projector).toHaveAttribute('data-v', '1');

  // Jump to any slide from the speaker view.
  await speaker.getByTestId('jump-to-slide').selectOption({ label: '6. Thanks' });
  await expect(projector).toHaveAttribute('data-h', '4');
});

test('on a 360×640 phone a poll opened on a code slide comes into view, clear of the nav; an offline tap is delivered once after reconnect', async ({ browser, baseURL }) => {
  const { presenter, code } = await present(browser);
  const speaker = await speakerFor(presenter, code);
  // The phone on 127.0.0.1: socket.io's client drops its connection on `offline` only off localhost.
  const base = baseURL!.replace('localhost', '127.0.0.1');
  const small = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })).newPage();
  await small.goto(`${base}/r/${code}`);
  await expect(small.getByTestId('connection')).toHaveAttribute('data-status', 'live');
  await speaker.getByTestId('jump-to-slide').selectOption({ label: '4. Code, one line at a time' });
  await expect(slideOf(small)).toContainText('Code, one line at a time');

  // A wrapped code line continues under its own text, not at column 0: a long comment on `yield n`.
  const wrapped = await slideOf(small).evaluate((slide) => {
    const line = [...slide.querySelectorAll<HTMLElement>('pre:not(.fragment) .line')].find((l) => l.textContent!.trim() === 'yield n')!;
    line.append(' # '.concat('and this comment runs on well past the width of a phone '.repeat(2)));
    const text = document.createRange();
    text.selectNodeContents(line);
    const rows = [...text.getClientRects()].filter((r) => r.width > 0);
    return { rows: new Set(rows.map((r) => Math.round(r.top))).size, codeLeft: line.querySelector('.hljs-keyword')!.getBoundingClientRect().left, secondLeft: Math.min(...rows.filter((r) => r.top > rows[0]!.bottom - 1).map((r) => r.left)) };
  });
  expect(wrapped.rows).toBeGreaterThan(1);
  expect(wrapped.secondLeft).toBeGreaterThan(wrapped.codeLeft);
  await small.reload();
  await expect(small.getByTestId('connection')).toHaveAttribute('data-status', 'live');

  await quickPoll(speaker, 'Which lines run before the first yield?', 'multiple', ['def line', 'the while test', 'the print', 'none']);
  const ballot = small.getByTestId('ballot');
  await expect(ballot).toContainText('Which lines run before the first yield?');
  for (const option of await ballot.getByRole('button').all()) await clearOfBars(small, option);
  await expect(small.getByTestId('announcer')).toHaveText('Poll open: Which lines run before the first yield?');
  await small.screenshot({ path: `${SHOTS}/phone-360-poll.png` });

  // Offline: the tap is kept on the phone, then sent once the phone has joined again.
  await small.context().setOffline(true);
  await expect(small.getByTestId('connection')).not.toHaveAttribute('data-status', 'live');
  await small.getByRole('button', { name: 'B the while test' }).click();
  await small.getByRole('button', { name: /^Send 1 choice$/ }).click();
  await expect(small.getByTestId('vote-queued')).toBeVisible();
  await small.context().setOffline(false);
  await expect(small.getByTestId('vote-status')).toContainText('Vote received: B');
  await expect(presenter.getByTestId('projector-votes')).toHaveText('1 / 1 voted');
  await expect(speaker.getByTestId('count-r1')).toHaveText(['0 · 0%', '1 · 100%', '0 · 0%', '0 · 0%']);
  // Sending the same choice again replaces the ballot: still one vote.
  await small.getByRole('button', { name: /^Send 1 choice$/ }).click();
  await expect(small.getByTestId('vote-status')).toContainText('Vote received: B');
  await speaker.getByRole('button', { name: 'Pair a phone as clicker' }).click();
  await expect(speaker.getByRole('dialog', { name: 'Pair a phone' })).toBeVisible();
  await expect(speaker.getByTestId('count-r1')).toHaveText(['0 · 0%', '1 · 100%', '0 · 0%', '0 · 0%']);

  // The reveal comes into view too, and is announced.
  await small.evaluate(() => window.scrollTo(0, 0));
  await speaker.getByRole('button', { name: 'Done' }).click();
  await speaker.keyboard.press('r');
  await expect(small.getByTestId('poll-bar')).toHaveCount(4);
  await clearOfBars(small, small.getByTestId('poll-bar').last());
  await expect(small.getByTestId('announcer')).toHaveText('Results revealed: Which lines run before the first yield?');
});

test('the projector is for the room: no presenter buttons, the question and the join code always shown, a large QR on the title', async ({ browser }) => {
  const { presenter, code } = await present(browser, 'Welcome to yieldroom', { width: 1280, height: 720 });
  await expect(presenter.getByTestId('title-join').getByRole('img', { name: /QR code/ })).toBeVisible();
  expect((await presenter.getByTestId('title-join').getByRole('img').boundingBox())!.height).toBeGreaterThan(300);
  await expect(presenter.getByTestId('strip-code')).toHaveText(code);
  await presenter.screenshot({ path: `${SHOTS}/projector-title-1280.png` });

  const speaker = await speakerFor(presenter, code);
  await speaker.getByTestId('jump-to-slide').selectOption({ label: '4. Code, one line at a time' });
  await expect(presenter.getByTestId('title-join')).toHaveCount(0);
  await quickPoll(speaker, 'How many values does countdown(3) yield?', 'single', ['2', '3', '4']);
  await expect(presenter.getByTestId('projector-question')).toHaveText('How many values does countdown(3) yield?');
  await expect(presenter.getByTestId('strip-code')).toHaveText(code);
  await expect(presenter.getByRole('button')).toHaveCount(0);
  // The slide keeps most of its size with the poll band open (a side column left it 58 % wide).
  const slides = (await presenter.locator('.reveal .slides').boundingBox())!;
  expect(slides.width).toBeGreaterThan(1280 * 0.7);
  await presenter.screenshot({ path: `${SHOTS}/projector-poll-1280.png` });

  const pixel = await phone(browser, 'Pixel 7', code);
  await pixel.getByRole('button', { name: 'B 3' }).click();
  await expect(presenter.getByTestId('projector-votes')).toHaveText('1 / 1 voted');
  await speaker.keyboard.press('r');
  await expect(presenter.getByTestId('poll-bar')).toHaveCount(3);
  await expect(presenter.getByRole('button')).toHaveCount(0);
  for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
    await presenter.setViewportSize(size);
    await expect(presenter.getByTestId('projector-question')).toBeInViewport();
    await presenter.screenshot({ path: `${SHOTS}/projector-poll-revealed-${size.width}.png` });
  }
  // The poll's buttons without scrolling at 1280×800 and larger; the clicker's size just screenshotted.
  for (const size of [{ width: 1280, height: 800 }, { width: 1920, height: 1080 }]) {
    await speaker.setViewportSize(size);
    await expect(speaker.getByRole('button', { name: 'Vote again' })).toBeInViewport();
    await speaker.screenshot({ path: `${SHOTS}/speaker-poll-${size.width}x${size.height}.png` });
  }
  for (const size of [{ width: 1280, height: 720 }, { width: 360, height: 640 }]) {
    await speaker.setViewportSize(size);
    await speaker.screenshot({ path: `${SHOTS}/speaker-poll-${size.width}x${size.height}.png` });
  }
  // A phone as clicker: the poll's buttons without scrolling, clear of the Back / Forward bar.
  await speaker.reload();
  await expect(speaker.getByTestId('poll-panel')).toBeVisible();
  await expect(speaker.getByRole('button', { name: 'Vote again' })).toBeInViewport();
  const voteAgain = (await speaker.getByRole('button', { name: 'Vote again' }).boundingBox())!;
  const nav = (await speaker.getByRole('button', { name: 'Forward' }).boundingBox())!;
  expect(voteAgain.y + voteAgain.height).toBeLessThanOrEqual(nav.y);
  await speaker.screenshot({ path: `${SHOTS}/speaker-poll-360x640-top.png` });
  await pixel.screenshot({ path: `${SHOTS}/phone-poll-revealed-412.png` });
});

test('reduced motion: no slide transitions on the projector, no fades on phones', async ({ browser }) => {
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 720 }, reducedMotion: 'reduce' });
  const presenter = await laptop.newPage();
  await presenter.goto('/');
  await presenter.getByRole('listitem').filter({ hasText: 'Welcome to yieldroom' }).getByRole('button', { name: 'Present' }).click();
  await expect(presenter.locator('.reveal.ready')).toBeVisible();
  await expect(presenter.locator('.reveal')).toHaveClass(/\bnone\b/);
  expect(await presenter.locator('.reveal .slides > section').first().evaluate((el) => getComputedStyle(el).transitionDuration)).toBe('0s');

  const code = presenter.url().split('/').pop()!;
  const still = await (await browser.newContext({ reducedMotion: 'reduce', viewport: { width: 390, height: 844 } })).newPage();
  await still.goto(`/r/${code}`);
  await presenter.keyboard.press('ArrowRight');
  await expect(slideOf(still).locator('.fragment').first()).toBeAttached();
  expect(await slideOf(still).locator('.fragment').first().evaluate((el) => getComputedStyle(el).transitionDuration)).toBe('0s');

  // Without the preference, the deck does move.
  const { presenter: moving } = await present(browser);
  await expect(moving.locator('.reveal')).toHaveClass(/\bslide\b/);
});

test('take it home: the results page links a printable deck without notes or answers', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const results = await presenter.context().newPage();
  await results.goto(`/present/${code}/results`);
  const [printable] = await Promise.all([results.waitForEvent('popup'), results.getByRole('link', { name: 'Slides as PDF (for students)' }).click()]);
  await expect(printable.getByTestId('print-slide')).toHaveCount(6);
  expect(await printable.content()).not.toContain('Greet the room');
  await printable.emulateMedia({ media: 'print' });
  await expect(printable.getByRole('button', { name: 'Print or save as PDF' })).toBeHidden();
  const pdf = await printable.pdf({ width: '1280px', height: '720px', printBackground: true });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
});

/** axe-core's WCAG 2.x A and AA rules; the list of what it found, empty when clean. */
async function axeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
}

test('accessibility: no axe violations on the phone (title, code, poll, prediction), the projector and the speaker view', async ({ browser }) => {
  test.setTimeout(120_000);
  const { presenter, code } = await present(browser, 'From iterators to asyncio', { width: 1280, height: 720 });
  const speaker = await speakerFor(presenter, code);
  const pixel = await phone(browser, 'Pixel 7', code);
  const jump = speaker.getByTestId('jump-to-slide');
  const titled = async (pattern: RegExp) => (await jump.locator('option').allInnerTexts()).find((t) => pattern.test(t))!;

  expect(await axeViolations(pixel), 'phone, title slide').toEqual([]);
  expect(await axeViolations(presenter), 'projector, title slide').toEqual([]);

  await jump.selectOption({ label: await titled(/^\d+\. A tiny event loop/) });
  // The projector has followed the jump before its own → steps on from there.
  await expect(presenter.locator('.reveal .slides section.present:not(.stack)')).toContainText('A tiny event loop');
  await expect(slideOf(pixel).locator('.code-steps')).toBeVisible();
  await presenter.keyboard.press('ArrowRight');
  await expect(presenter.getByTestId('projector')).toHaveAttribute('data-f', '0');
  expect(await axeViolations(pixel), 'phone, code slide').toEqual([]);
  expect(await axeViolations(presenter), 'projector, code slide').toEqual([]);

  await speaker.getByTestId('jump-to-slide').selectOption({ label: await titled(/^\d+\. Predict/) });
  await expect(slideOf(pixel).locator('.predict-block')).toBeVisible();
  expect(await axeViolations(pixel), 'phone, prediction slide').toEqual([]);
  expect(await axeViolations(speaker), 'speaker view, prediction slide').toEqual([]);

  await quickPoll(speaker, 'Which one is a generator?', 'single', ['range(3)', '(x for x in "ab")', '[1, 2]']);
  await expect(pixel.getByTestId('ballot')).toBeVisible();
  expect(await axeViolations(pixel), 'phone, poll').toEqual([]);
  expect(await axeViolations(presenter), 'projector, poll').toEqual([]);
  expect(await axeViolations(speaker), 'speaker view, poll').toEqual([]);
});
