import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import { PROTOCOL_VERSION } from '../../server/protocol/constants';
import { SHOTS, phone, present } from './helpers';

/** The talk's first prediction slide and its first step. */
function firstPrediction() {
  const source = readDeckSources(join(import.meta.dirname, '../../decks')).find((s) => s.id === 'iterators-to-asyncio')!;
  const compiled = compileDeck(source);
  if (!compiled.ok) throw new Error('the talk does not compile');
  for (const [h, stack] of compiled.deck.stacks.entries()) {
    for (const [v, slide] of stack.entries()) if (slide.prediction) return { position: { h, v, f: -1 }, call: slide.prediction.steps[0]! };
  }
  throw new Error('the talk has no prediction');
}

const rows = (page: Page) => page.getByTestId('sheet-row');
const answer = (page: Page, row: number) => rows(page).nth(row).getByRole('textbox').first();

test('a team co-edits its sheet with presence, another team sees none of it, the reveal grades each team, the speaker view shows the spread', async ({ browser }) => {
  test.setTimeout(120_000);
  const { presenter, code } = await present(browser, 'From iterators to asyncio', { width: 1280, height: 720 });
  const [ada, bob] = [await phone(browser, 'Pixel 7', code), await phone(browser, 'iPhone 14', code)];
  const small = await (await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true })).newPage();
  await small.goto(`/r/${code}`);
  await expect(small.getByTestId('connection')).toHaveAttribute('data-status', 'live');
  const speaker = await presenter.context().newPage();
  await speaker.goto(`/present/${code}/speaker`);
  await expect(speaker.getByTestId('speaker-audience')).toHaveText('3 joined');

  // The presenter jumps to the first prediction, as a paired clicker would.
  const { position, call } = firstPrediction();
  const secret = await presenter.evaluate((c) => localStorage.getItem(`yieldroom:presenter:${c}`), code);
  const clicker = io(new URL(presenter.url()).origin, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION } });
  await new Promise((resolve) => clicker.emit('room:join', { code, presenterSecret: secret }, resolve));
  await new Promise((resolve) => clicker.emit('slide:set', position, resolve));
  clicker.disconnect();

  // Three phones make one team by join order; the presenter seats them at two tables instead.
  await expect(ada.getByTestId('team-name')).toHaveText('The Generators');
  await speaker.getByLabel('Number of tables').fill('2');
  await speaker.getByRole('button', { name: 'Use tables' }).click();
  await ada.getByRole('button', { name: '1', exact: true }).click();
  await bob.getByRole('button', { name: '1', exact: true }).click();
  await small.getByRole('button', { name: '2', exact: true }).click();
  await expect(ada.getByTestId('team-name')).toHaveText('Table 1');
  await expect(ada.getByLabel('Team members').getByRole('listitem')).toHaveCount(2);
  await expect(small.getByTestId('team-name')).toHaveText('Table 2');

  // Ada types; Bob sees it within a second and sees Ada on that row.
  await answer(ada, 0).fill('3');
  await expect(answer(bob, 0)).toHaveValue('3', { timeout: 1000 });
  // This prediction also asks what each step prints; Bob fills that in for the team.
  await rows(bob).nth(0).getByRole('textbox').nth(1).fill('starting at 3');
  await expect(rows(ada).nth(0).getByRole('textbox').nth(1)).toHaveValue('starting at 3');
  await answer(bob, 1).click();
  await expect(rows(ada).nth(1).getByTestId('presence')).toHaveCount(1);
  await answer(ada, 0).click();
  await expect(rows(bob).nth(0).getByTestId('presence')).toHaveCount(1);
  // The other table sees none of it.
  await expect(answer(small, 0)).toHaveValue('');
  await expect(small.getByTestId('presence')).toHaveCount(0);
  await answer(small, 0).fill('None');
  await expect(speaker.getByTestId('spread-answer')).toHaveCount(2);
  await ada.screenshot({ path: `${SHOTS}/predict-phone-editing.png`, fullPage: true });
  await small.screenshot({ path: `${SHOTS}/predict-phone-360.png` });

  // Before the reveal the projector shows no outcome; then the reveal grades both tables.
  await expect(presenter.getByTestId('revealed-outcome')).toHaveCount(0);
  await speaker.getByRole('button', { name: 'Reveal step 1' }).click();
  await expect(rows(ada).nth(0)).toHaveAttribute('data-verdict', 'right');
  await expect(rows(bob).nth(0)).toHaveAttribute('data-verdict', 'right');
  await expect(rows(small).nth(0)).toHaveAttribute('data-verdict', 'wrong');
  await expect(answer(ada, 1)).toBeDisabled();
  await expect(presenter.getByTestId('revealed-outcome')).toHaveText('→ 3');
  // The slide's `?` for step 1 now reads Python's answer, on the projector and on phones; step 2's does not.
  for (const page of [presenter, small]) {
    const blanks = page.locator('.predict-block .predict-blank:visible');
    await expect(blanks.first()).toHaveAttribute('data-answer', '3');
    await expect(blanks.nth(1)).not.toHaveAttribute('data-answer');
  }
  await expect(presenter.getByTestId('projector-spread').getByRole('listitem')).toHaveCount(2);
  await expect(speaker.getByTestId('prediction-spread')).toContainText(call);
  await expect(speaker.getByTestId('scoreboard')).toContainText('Table 1');
  await expect(speaker.getByTestId('scoreboard')).toContainText('Table 2');

  await small.screenshot({ path: `${SHOTS}/predict-phone-360-revealed.png` });
  await ada.screenshot({ path: `${SHOTS}/predict-phone-revealed.png`, fullPage: true });
  await presenter.screenshot({ path: `${SHOTS}/predict-projector-1280.png` });
  await presenter.setViewportSize({ width: 1920, height: 1080 });
  await presenter.screenshot({ path: `${SHOTS}/predict-projector-1920.png` });
  await speaker.screenshot({ path: `${SHOTS}/predict-speaker.png`, fullPage: true });

  // Afterwards the results page has each table's answers with their verdicts.
  const results = await presenter.context().newPage();
  await results.goto(`/present/${code}/results`);
  const table = results.getByTestId('results-prediction');
  await expect(table.getByRole('row', { name: /Table 1/ })).toContainText('3 ✓');
  await expect(table.getByRole('row', { name: /Table 2/ })).toContainText('None ✗');
});
