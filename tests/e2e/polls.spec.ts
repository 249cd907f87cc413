import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { SHOTS, phone, present } from './helpers';

test('phones vote, the presenter sees the tally, the room sees its split without the answer, a revote is a second round, the reveal marks the answer', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const [pixel, iphone] = [await phone(browser, 'Pixel 7', code), await phone(browser, 'iPhone 14', code)];
  const speaker = await presenter.context().newPage();
  await speaker.goto(`/present/${code}/speaker`);
  await expect(speaker.getByTestId('speaker-audience')).toHaveText('2 joined');

  // To the poll slide, → walking every step: three fragments, the stack's second slide, the code slide and its two steps, then the poll.
  for (let i = 0; i < 9; i++) await presenter.keyboard.press('ArrowRight');
  for (const p of [pixel, iphone]) await expect(p.getByTestId('ballot')).toContainText('What does the first next(countdown(3)) return?');
  await expect(presenter.getByTestId('projector-votes')).toHaveText('0 / 2 voted');

  await pixel.getByRole('button', { name: 'A 3' }).click();
  await expect(pixel.getByTestId('vote-status')).toContainText('Vote received: A: 3');
  await iphone.getByRole('button', { name: 'B 2' }).click();
  await expect(iphone.getByTestId('vote-status')).toContainText('Vote received: B: 2');
  await pixel.screenshot({ path: `${SHOTS}/phone-ballot.png` });

  await expect(presenter.getByTestId('projector-votes')).toHaveText('2 / 2 voted');
  await expect(speaker.getByTestId('count-r1')).toHaveText(['1 · 50%', '1 · 50%', '0 · 0%']);
  // Before the reveal the projector and the phones show no results.
  await expect(presenter.getByTestId('poll-bar')).toHaveCount(0);
  await expect(pixel.getByTestId('poll-bar')).toHaveCount(0);
  await speaker.screenshot({ path: `${SHOTS}/speaker-poll.png` });

  // Peer instruction by the projector's keys: D shows how the room split without the answer, A opens
  // another round, R reveals the results and, only then, the answer.
  await presenter.keyboard.press('d');
  for (const p of [pixel, iphone]) {
    await expect(p.getByTestId('poll-bar')).toHaveCount(3);
    await expect(p.getByTestId('split-shown')).toBeVisible();
  }
  await expect(presenter.getByTestId('poll-bar')).toHaveCount(3);
  await expect(presenter.getByTestId('projector-poll')).toContainText('How the room split');
  for (const p of [pixel, iphone, presenter]) await expect(p.locator('[data-testid="poll-bar"][data-correct]')).toHaveCount(0);
  await expect(iphone.getByTestId('count-r1')).toHaveText(['1 · 50%', '1 · 50%', '0 · 0%']);
  await expect(speaker.getByTestId('poll-progress')).toContainText('split shown, answer hidden');
  await expect(speaker.getByRole('button', { name: 'Reveal answer' })).toBeVisible();
  await presenter.screenshot({ path: `${SHOTS}/projector-poll-split.png` });
  await iphone.screenshot({ path: `${SHOTS}/phone-poll-split.png` });

  await presenter.keyboard.press('a');
  await expect(iphone.getByTestId('ballot')).toContainText('Round 2');
  await expect(iphone.getByTestId('poll-bar')).toHaveCount(0);
  await iphone.getByRole('button', { name: 'A 3' }).click();
  await expect(iphone.getByTestId('vote-status')).toContainText('Vote received: A: 3');
  await expect(speaker.getByTestId('count-r2')).toHaveText(['1 · 100%', '0 · 0%', '0 · 0%']);
  await expect(speaker.getByTestId('count-r1')).toHaveText(['1 · 50%', '1 · 50%', '0 · 0%']);
  await speaker.screenshot({ path: `${SHOTS}/speaker-poll-round2.png` });

  await presenter.keyboard.press('r');
  for (const p of [pixel, iphone, presenter]) {
    await expect(p.getByTestId('poll-bar')).toHaveCount(3);
    await expect(p.locator('[data-testid="poll-bar"][data-correct]')).toContainText('3');
  }
  await expect(iphone.getByTestId('split-shown')).toHaveCount(0);
  await expect(iphone.getByTestId('count-r2')).toHaveText(['1 · 100%', '0 · 0%', '0 · 0%']);
  await presenter.screenshot({ path: `${SHOTS}/projector-poll-revealed.png` });
  await iphone.screenshot({ path: `${SHOTS}/phone-poll-revealed.png` });

  const results = await presenter.context().newPage();
  await results.goto(`/present/${code}/results`);
  await expect(results.getByTestId('results-poll')).toContainText('Round 2 (1 vote)');
  const [download] = await Promise.all([results.waitForEvent('download'), results.getByRole('button', { name: 'Download CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
  expect(csv.slice(1).map((line) => line.split(',').slice(-6, -2))).toEqual([
    ['1', '2', '3', '1'],
    ['1', '2', '2', '1'],
    ['1', '2', 'None', '0'],
    ['2', '1', '3', '1'],
    ['2', '1', '2', '0'],
    ['2', '1', 'None', '0'],
  ]);
  await results.screenshot({ path: `${SHOTS}/results.png`, fullPage: true });
});

test('a countdown: the speaker view starts one, phones and the projector count down, the server closes voting when it ends', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const pixel = await phone(browser, 'Pixel 7', code);
  const speaker = await presenter.context().newPage();
  await speaker.goto(`/present/${code}/speaker`);
  await expect(speaker.getByTestId('speaker-audience')).toHaveText('1 joined');
  for (let i = 0; i < 9; i++) await presenter.keyboard.press('ArrowRight');
  await expect(pixel.getByTestId('ballot')).toContainText('What does the first next(countdown(3)) return?');

  await speaker.getByRole('button', { name: '10 s' }).click();
  for (const page of [pixel, presenter, speaker]) await expect(page.getByTestId('countdown')).toHaveText(/^\d+ s left$/);
  await expect(speaker.getByRole('button', { name: '10 s' })).toHaveCount(0);
  await pixel.screenshot({ path: `${SHOTS}/phone-poll-countdown.png` });
  await presenter.screenshot({ path: `${SHOTS}/projector-poll-countdown.png` });
  await pixel.getByRole('button', { name: 'A 3' }).click();
  await expect(pixel.getByTestId('vote-status')).toContainText('Vote received: A: 3');

  // The server closes the round when the countdown ends: every view shows it closed.
  await expect(presenter.getByTestId('projector-poll')).toContainText('Voting closed', { timeout: 20_000 });
  await expect(pixel.getByRole('button', { name: 'B 2' })).toBeDisabled();
  await expect(speaker.getByTestId('poll-progress')).toContainText('closed · 1 / 1 voted');
  for (const page of [pixel, presenter, speaker]) await expect(page.getByTestId('countdown')).toHaveCount(0);
});
