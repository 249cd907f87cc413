import { expect, test } from '@playwright/test';
import { SHOTS, phone, phoneContext, present } from './helpers';

const MARKUP = '<img src=x onerror="window.pwned=1">';
const BIDI = 'evil\u202Eeman';
const ZALGO = 'z\u0336\u0321\u031B\u0334a\u0335\u0322\u0328l\u0337\u0327g\u0338\u0324o\u0339\u0325\u0326';

test('markup, bidi overrides and combining-mark towers in answers show as plain, contained text', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const speaker = await presenter.context().newPage();
  await speaker.goto(`/present/${code}/speaker`);
  const phones = await Promise.all([MARKUP, BIDI, ZALGO].map(() => phone(browser, 'Pixel 7', code)));

  await speaker.getByText('Ask a quick poll').click();
  await speaker.getByLabel('Question').fill('One word for the GIL?');
  await speaker.getByLabel('Kind').selectOption('text');
  await speaker.getByRole('button', { name: 'Open poll' }).click();
  for (const [i, answer] of [MARKUP, BIDI, ZALGO].entries()) {
    const p = phones[i]!;
    await p.getByLabel('Your answer').fill(answer);
    await p.getByRole('button', { name: 'Send' }).click();
    await expect(p.getByTestId('vote-status')).toContainText('Vote received');
  }
  await expect(speaker.getByTestId('cloud-word')).toHaveCount(3);
  await speaker.getByRole('button', { name: 'Reveal results' }).click();

  for (const page of [presenter, speaker, phones[0]!]) {
    const words = page.getByTestId('cloud-word');
    await expect(words).toHaveCount(3);
    // The markup is text: no element was made from it, nothing ran.
    await expect(words.locator('img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    const texts = await words.allTextContents();
    expect(texts).toContain(MARKUP.toLowerCase());
    // The override is gone; at most two combining marks stay on any letter.
    expect(texts.join('')).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(texts.join('')).not.toMatch(/\p{M}{3}/u);
    expect(texts).toContain('evil eman');
    // Every word stays inside the cloud's box.
    const cloud = (await words.first().locator('..').boundingBox())!;
    for (const box of await words.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
      expect(box.left).toBeGreaterThanOrEqual(cloud.x - 1);
      expect(box.right).toBeLessThanOrEqual(cloud.x + cloud.width + 1);
    }
  }
  await phones[0]!.screenshot({ path: `${SHOTS}/phone-hostile-answers.png` });
});

test('pages carry a CSP with frame-ancestors, a Referrer-Policy and nosniff, and still run', async ({ page, request }) => {
  for (const path of ['/', '/r/ZZZZZZ']) {
    const res = await request.get(path);
    expect(res.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers()['referrer-policy']).toBe('no-referrer');
    expect(res.headers()['x-content-type-options']).toBe('nosniff');
  }
  const violations: string[] = [];
  page.on('console', (msg) => msg.text().includes('Content Security Policy') && violations.push(msg.text()));
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Present' }).first()).toBeVisible();
  expect(violations).toEqual([]);
});

test('the pairing QR hides itself once used, and after 30 s when it is not', async ({ browser }) => {
  const { presenter, code } = await present(browser);
  const speaker = await presenter.context().newPage();
  await speaker.clock.install();
  await speaker.goto(`/present/${code}/speaker`);
  const dialog = speaker.getByRole('dialog', { name: 'Pair a phone' });
  const pair = speaker.getByRole('button', { name: 'Pair a phone as clicker' });

  await pair.click();
  await expect(dialog).toBeVisible();
  await speaker.screenshot({ path: `${SHOTS}/speaker-pairing.png` });
  // The lecturer's own phone opens the link the QR code holds: the code hides at once.
  const clicker = await (await phoneContext(browser, 'Pixel 7')).newPage();
  await clicker.goto((await dialog.getAttribute('data-url'))!);
  await expect(dialog).toBeHidden();

  // Unused, it counts down and hides after 30 s (the page's clock jumps; the server's does not).
  await pair.click();
  await expect(speaker.getByTestId('pairing-left')).toHaveText('30');
  await speaker.clock.fastForward(31_000);
  await expect(dialog).toBeHidden();
});
