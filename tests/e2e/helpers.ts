import { mkdirSync } from 'node:fs';
import { devices, expect } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';

export const SHOTS = 'tests/e2e/screenshots';
mkdirSync(`${SHOTS}/talk`, { recursive: true });

/** Starts a room from the home page, as a lecturer would; returns the presenter page and code. */
export async function present(browser: Browser, deckTitle = 'Welcome to yieldroom', viewport = { width: 1280, height: 800 }): Promise<{ presenter: Page; code: string }> {
  const laptop = await browser.newContext({ viewport, acceptDownloads: true });
  const presenter = await laptop.newPage();
  await presenter.goto('/');
  await presenter.getByRole('listitem').filter({ hasText: deckTitle }).getByRole('button', { name: 'Present' }).click();
  await presenter.waitForURL(/\/present\/[A-Z2-9]{6}$/);
  await expect(presenter.locator('.reveal.ready')).toBeVisible();
  return { presenter, code: presenter.url().split('/').pop()! };
}

type PhoneProfile = 'Pixel 7' | 'iPhone 14';

/** A phone profile's context, in Chromium here whatever browser the profile names. */
export function phoneContext(browser: Browser, profile: PhoneProfile) {
  const { defaultBrowserType: _webkit, ...device } = devices[profile];
  return browser.newContext(device);
}

/** A phone on the room page, live. */
export async function phone(browser: Browser, profile: PhoneProfile, code: string, base = ''): Promise<Page> {
  const page = await (await phoneContext(browser, profile)).newPage();
  await page.goto(`${base}/r/${code}`);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-status', 'live');
  return page;
}

export const slideOf = (page: Page) => page.getByTestId('phone-slide');
