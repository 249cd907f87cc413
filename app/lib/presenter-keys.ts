'use client';
import { ERROR_MESSAGES } from '../../server/protocol/constants';
import type { PollState } from '../../server/protocol/events';
import type { PredictionState } from '../../server/protocol/predictions';
import type { RoomSocket } from './use-room';

/** True when a key pressed here belongs to a control (typing, pressing a button), not to the deck. */
export function isControl(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('input, textarea, select, button, summary, a[href], [contenteditable="true"], [role="button"]') !== null;
}

/** One-key presenter actions, the same on the projector and in the speaker view (listed in `?`). */
export const PRESENTER_KEYS = [
  { key: 'C', does: 'Close voting (a prediction: lock or reopen the sheets)' },
  { key: 'D', does: 'Show how the room split, without the answer (before a revote)' },
  { key: 'R', does: 'Reveal the poll’s results and answer, or the prediction’s next step' },
  { key: 'A', does: 'Vote again: a new round of the same question' },
  { key: 'Q', does: 'Show or hide the join code and QR on the projector' },
  { key: 'B', does: 'Black screen on the projector (again to come back)' },
  { key: 'T', does: 'Light or dark theme on the projector, for bright rooms' },
] as const;

type Live = { poll: PollState | null; prediction: PredictionState | null; socket?: RoomSocket };
type Report = (error: string | undefined) => void;

const reportAck = (report: Report) => (res: { ok: true } | { ok: false; error: { code: keyof typeof ERROR_MESSAGES; message: string } }) =>
  report(res.ok ? undefined : res.error.message || ERROR_MESSAGES[res.error.code]);

/** Runs the poll or prediction action a key stands for; false when the key is not one of them. */
export function runPresenterKey(key: string, { poll, prediction, socket }: Live, report: Report): boolean {
  const k = key.toUpperCase();
  if (!socket || !['C', 'D', 'R', 'A'].includes(k)) return false;
  if (poll) {
    const event = k === 'C' ? 'poll:close' : k === 'D' ? 'poll:split' : k === 'R' ? 'poll:reveal' : 'poll:revote';
    socket.emit(event, { pollId: poll.id }, reportAck(report));
    return true;
  }
  if (prediction && k !== 'A' && k !== 'D') {
    const event = k === 'R' ? 'predict:reveal' : prediction.status === 'open' ? 'predict:lock' : 'predict:unlock';
    socket.emit(event, { predictionId: prediction.id }, reportAck(report));
    return true;
  }
  report(k === 'A' ? 'No poll on screen to vote on again.' : k === 'D' ? 'No poll on screen to show the split of.' : 'No poll or prediction on screen.');
  return true;
}

/** What the speaker view asks of the projector window (same browser): overlay, black screen, theme. */
export type ProjectorCommand = 'join' | 'black' | 'theme';
export const projectorChannel = (code: string) => new BroadcastChannel(`yieldroom-projector-${code}`);

export const THEME_KEY = 'yieldroom:theme';
export type Theme = 'dark' | 'light';
export const readTheme = (): Theme => (typeof localStorage !== 'undefined' && localStorage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark');
