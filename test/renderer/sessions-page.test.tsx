import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SessionDto } from '../../src-shared/dto.ts';
import {
  SessionsPage,
  SESSIONS_LOOKED_AT_EVERY_MS,
} from '../../src-renderer/features/sessions/SessionsPage.tsx';
import { answerChannels, renderSignedIn } from './render.tsx';

/*
 * Account → Sessions: a sign-in made on another console meanwhile, and one
 * waiting for its second step above all, shows without the operator
 * leaving the screen.
 */

const THIS_ONE: SessionDto = {
  id: 'f0000000-0000-4000-8000-000000000001',
  kind: 'headless',
  startedAt: '2026-12-06T09:00:00.000Z',
  lastUsedAt: '2026-12-06T09:05:00.000Z',
  current: true,
  pendingSecondFactor: false,
};
const ELSEWHERE: SessionDto = {
  ...THIS_ONE,
  id: 'f0000000-0000-4000-8000-000000000002',
  kind: 'electron',
  current: false,
  pendingSecondFactor: true,
};

let sessions: SessionDto[] = [];
beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  sessions = [THIS_ONE];
  answerChannels({ 'sessions.list': () => sessions });
});
afterEach(() => {
  vi.useRealTimers();
});

function renderSessions() {
  renderSignedIn(<SessionsPage />, {
    role: 'admin',
    email: 'admin@sessions.test',
    organizationId: 'a0000000-0000-4000-8000-000000000001',
    secondFactor: true,
  });
}

describe('the Sessions screen', () => {
  it('shows a sign-in waiting for its second step that began on another console while it was open', async () => {
    renderSessions();
    expect(await screen.findByRole('button', { name: 'Sign out: end this session' })).toBeTruthy();
    expect(screen.queryByText(/waiting for the second step$/)).toBeNull();

    sessions = [THIS_ONE, ELSEWHERE];
    await act(() => vi.advanceTimersByTimeAsync(SESSIONS_LOOKED_AT_EVERY_MS));

    expect(await screen.findByText('1 sign-in waiting for the second step')).toBeTruthy();
    expect(
      screen.getByRole('button', { name: /^End the session waiting for the second step/ }),
    ).toBeTruthy();
  });
});
