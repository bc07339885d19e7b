import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FleetBridge, FleetChange, FleetEvent } from '../../src-shared/channels.ts';
import { ChangedElsewhere } from '../../src-renderer/components/ChangedElsewhere.tsx';
import { renderWithMantine } from './render.tsx';

/*
 * The notice an edit dialog shows when another operator saved the record it
 * opened: only for that record, only for a version newer than the one it
 * opened with, from the change events the console hears.
 */

let listeners: ((event: FleetEvent) => void)[] = [];
beforeEach(() => {
  listeners = [];
  const bridge: FleetBridge = {
    invoke: async () => undefined,
    onEvent: (listener) => {
      listeners.push(listener);
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
  };
  window.fleet = bridge;
});
afterEach(() => {
  listeners = [];
});

const AGENT = '6f1d2c3b-0000-4000-8000-000000000001';
const ORG = '6f1d2c3b-0000-4000-8000-0000000000aa';

function hear(change: Partial<FleetChange>) {
  const event: FleetEvent = {
    type: 'change',
    kind: 'agent',
    id: AGENT,
    organizationId: ORG,
    version: 4,
    action: 'agents.update',
    ...change,
  };
  act(() => {
    for (const listener of listeners) listener(event);
  });
}

const notice = () => screen.queryByRole('alert', { name: /Changed by someone else/ });

describe('the changed-elsewhere notice', () => {
  it('is not shown until a change is heard', () => {
    renderWithMantine(<ChangedElsewhere kind="agent" id={AGENT} version={3} />);
    expect(notice()).toBeNull();
  });

  it('appears when a newer version of the same record is announced', () => {
    renderWithMantine(<ChangedElsewhere kind="agent" id={AGENT} version={3} />);
    hear({ version: 4 });
    expect(notice()).toBeInTheDocument();
    expect(notice()).toHaveTextContent('nothing is overwritten unseen');
  });

  it('appears when a change of the record comes without a version (a delete, a bulk write)', () => {
    renderWithMantine(<ChangedElsewhere kind="agent" id={AGENT} version={3} />);
    hear({ version: null });
    expect(notice()).toBeInTheDocument();
  });

  it.each([
    ['the version it opened with (its own save heard back)', { version: 3 }],
    ['an older version', { version: 2 }],
    ['another record of the same kind', { id: '6f1d2c3b-0000-4000-8000-000000000002' }],
    ['another kind with the same id', { kind: 'user' as const }],
  ])('stays hidden for %s', (_what, change) => {
    renderWithMantine(<ChangedElsewhere kind="agent" id={AGENT} version={3} />);
    hear(change);
    expect(notice()).toBeNull();
  });

  it('stops listening once the dialog is closed', () => {
    const view = renderWithMantine(<ChangedElsewhere kind="agent" id={AGENT} version={3} />);
    expect(listeners).toHaveLength(1);
    view.unmount();
    expect(listeners).toHaveLength(0);
  });
});
