import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import { findCPythons } from '../../server/python/cpython';
import { SHOTS as ALL_SHOTS, phone as openPhone, present, slideOf } from './helpers';

const SHOTS = `${ALL_SHOTS}/talk`;

/** Presses `key` until the projector reports `attr` = `value`; fails if it never does. → walks every slide and fragment of a stack. */
async function pressUntil(presenter: Page, key: string, attr: 'data-h' | 'data-v' | 'data-f', value: string) {
  const projector = presenter.getByTestId('projector');
  for (let i = 0; i < 60 && (await projector.getAttribute(attr)) !== value; i++) {
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
      for (let i = 0; i < 30 && !(await presenter.locator('section.fight-club.present').count()); i++) {
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

/** The slides issue 12 added or rewrote, by title. */
const NEW_SLIDES = [
  'Iterable',
  'StopIteration must not escape a generator',
  'Predict: a bare next() inside',
  'Taking two, safely',
  'close(), the fine print',
  'Predict: close() with a return value',
  'Two more endings',
  'One lock for the whole interpreter',
  "OK, let's talk about the GIL",
  'Poll: one thread or four?',
  'Demo: the GIL at work',
  'Which of these is a coroutine?',
  'What the decorator does',
  'Predict: a custom awaitable',
  'Predict: awaiting a plain generator',
  'An async function',
  'Concurrency without parallelism',
  'await is not concurrency',
  'await vs. gather',
];

test('the corrected talk: its new slides, every fragment shown, on a projector and a 360 px phone; the speaker view names what differs by Python version', async ({ browser }) => {
  test.setTimeout(240_000);
  const source = readDeckSources(join(import.meta.dirname, '../../decks')).find((d) => d.id === 'iterators-to-asyncio')!;
  const compiled = compileDeck(source);
  if (!compiled.ok) throw new Error('the talk does not compile');
  const titleOf = (html: string) => /<h[12][^>]*>([^]*?)<\/h[12]>/.exec(html)?.[1]?.replace(/<[^>]+>/g, '').trim();
  const targets = compiled.deck.stacks.flatMap((stack, h) => stack.map((slide, v) => ({ h, v, slide, title: titleOf(slide.html)! }))).filter((t) => NEW_SLIDES.includes(t.title));
  expect(targets.map((t) => t.title).sort()).toEqual([...NEW_SLIDES].sort());

  const { presenter, code } = await present(browser, 'From iterators to asyncio', { width: 1280, height: 720 });
  const phone = await (await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true })).newPage();
  await phone.goto(`/r/${code}`);
  await expect(phone.getByTestId('connection')).toHaveAttribute('data-status', 'live');
  const phoneSlide = slideOf(phone);
  const projector = presenter.getByTestId('projector');
  const press = async (key: string) => {
    const before = await projector.getAttribute('data-version');
    await presenter.keyboard.press(key);
    await expect(projector).not.toHaveAttribute('data-version', before ?? '');
  };
  const at = async (attr: string) => Number(await projector.getAttribute(attr));

  for (const { h, v, slide, title } of targets) {
    while ((await at('data-h')) < h) await press('ArrowRight');
    while ((await at('data-v')) < v) await press('ArrowDown');
    while ((await at('data-f')) < slide.fragments - 1) await press('ArrowDown');
    await expect(projector).toHaveAttribute('data-h', String(h));
    await expect(projector).toHaveAttribute('data-v', String(v));
    await expect(phoneSlide).toHaveAttribute('data-h', String(h));
    await expect(phoneSlide).toHaveAttribute('data-v', String(v));
    await expect(phoneSlide.locator('.fragment:not(.visible)')).toHaveCount(0);
    if (slide.html.includes('<!--example-output')) await expect(phoneSlide.locator('.example-output')).toBeVisible();
    // The side panel takes the right of the projector: wait for it before the picture.
    if (slide.prediction) await expect(presenter.getByTestId('projector-reveal')).toBeVisible();
    if (slide.poll) await expect(presenter.getByTestId('projector-poll')).toBeVisible();
    const name = `new-${String(h).padStart(2, '0')}-${v}-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
    await presenter.screenshot({ path: `${SHOTS}/${name}-projector.png` });
    await phone.screenshot({ path: `${SHOTS}/${name}-phone-360.png`, fullPage: true });
    if (title === 'Predict: close() with a return value') {
      const speaker = await presenter.context().newPage();
      await speaker.setViewportSize({ width: 1280, height: 900 });
      await speaker.goto(`/present/${code}/speaker`);
      const key = speaker.getByTestId('answer-key');
      await expect(key).toContainText(/executed in Python 3\.1[4-9]\.\d+ \(Pyodide\)/);
      await expect(key).toContainText(/g\.close\(\)\s*returns 5/);
      const older = findCPythons().map((p) => p.version).filter((version) => Number(version.split('.')[1]) < 13);
      await expect(key.getByTestId('version-difference')).toHaveText(older.length ? [`On CPython ${older.join(', ')}: returns None`] : []);
      await key.scrollIntoViewIfNeeded();
      await speaker.screenshot({ path: `${SHOTS}/${name}-speaker.png` });
      await speaker.close();
    }
  }
});

test('every slide of the talk fits the projector at 1280×720, every fragment and highlight step in place', async ({ browser }) => {
  const { presenter } = await present(browser, 'From iterators to asyncio', { width: 1280, height: 720 });
  // reveal.js lays each slide out at 1280×720 and scales it to the screen (and beside a poll or a
  // prediction's band): a slide fits when its content is at most 720 slide pixels tall.
  const heights = await presenter.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.reveal .slides section.slide-body')].map((slide) => {
      const shown = [slide, slide.parentElement!.closest('section')].filter((s): s is HTMLElement => s !== null).map((s) => ({ s, display: s.style.display, hidden: s.hidden }));
      for (const { s } of shown) Object.assign(s, { hidden: false }).style.display = 'block';
      const height = slide.scrollHeight;
      for (const { s, display, hidden } of shown) Object.assign(s, { hidden }).style.display = display;
      return { title: slide.querySelector('h1, h2')?.textContent ?? '', height };
    }),
  );
  expect(heights.length).toBeGreaterThan(60);
  expect(heights.filter((s) => s.height > 720)).toEqual([]);
});
