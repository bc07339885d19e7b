import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import {
  agentRoomRefusal,
  decideTransition,
  maintenanceRefusal,
} from '../../src-shared/domain/limits.ts';
import { ButtonWithReason, Refusable } from '../../src-renderer/components/Refusable.tsx';
import { renderWithMantine } from './render.tsx';

/*
 * A control whose action the shared rules refuse is disabled, says why
 * beside it (as its accessible description) and offers the way forward;
 * one the rules allow is an ordinary button.
 */

const FULL = { name: 'Acme', tier: 'free', agentCount: 3, agentLimit: 3 } as const;

describe('a refusable control', () => {
  it('is disabled at the agent limit, described by the reason and the way forward', () => {
    const onClick = vi.fn();
    renderWithMantine(
      <Refusable refusal={agentRoomRefusal(FULL)} onClick={onClick}>
        New agent
      </Refusable>,
    );
    const button = screen.getByRole('button', { name: 'New agent' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      'Acme already has 3 of 3 agents allowed on the Free tier. Upgrade the tier or delete an agent first.',
    );
  });

  it('offers the way forward as a link when the screen can take the operator there', async () => {
    const onWayForward = vi.fn();
    renderWithMantine(
      <Refusable refusal={agentRoomRefusal(FULL)} onClick={vi.fn()} onWayForward={onWayForward}>
        New agent
      </Refusable>,
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Upgrade the tier or delete an agent first' }),
    );
    expect(onWayForward).toHaveBeenCalledOnce();
  });

  it('is an ordinary button, with nothing beside it, when the rules allow the action', async () => {
    const onClick = vi.fn();
    renderWithMantine(
      <Refusable refusal={agentRoomRefusal({ ...FULL, agentCount: 2 })} onClick={onClick}>
        New agent
      </Refusable>,
    );
    const button = screen.getByRole('button', { name: 'New agent' });
    expect(button).toBeEnabled();
    expect(button).not.toHaveAttribute('aria-describedby');
    await userEvent.click(button);
    expect(onClick).toHaveBeenCalledOnce();
  });

  it('is disabled for every write while the organization is in maintenance', () => {
    const held = (byOperation: boolean) =>
      maintenanceRefusal({ maintenance: { reason: 'restoring agents', byOperation } });
    renderWithMantine(
      <>
        <Refusable refusal={held(false)} onClick={vi.fn()}>
          Edit
        </Refusable>
        <Refusable refusal={held(true)} onClick={vi.fn()}>
          Change tier
        </Refusable>
        <Refusable refusal={maintenanceRefusal({ maintenance: null })} onClick={vi.fn()}>
          Delete
        </Refusable>
      </>,
    );
    expect(screen.getByRole('button', { name: 'Edit' })).toHaveAccessibleDescription(
      'In maintenance: restoring agents. End the maintenance first.',
    );
    // an operation's maintenance ends by itself: nothing for the operator to end
    expect(screen.getByRole('button', { name: 'Change tier' })).toHaveAccessibleDescription(
      'In maintenance: restoring agents. Try again once the operation ends.',
    );
    expect(screen.getByRole('button', { name: 'Change tier' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Delete' })).toBeEnabled();
  });

  it('is disabled for a step that puts an agent to work in a suspended organization', () => {
    const { refusal } = decideTransition(
      { name: 'Acme', billingStatus: 'suspended' },
      'error',
      'redeploy',
    );
    renderWithMantine(
      <Refusable refusal={refusal} onClick={vi.fn()}>
        Redeploy
      </Refusable>,
    );
    expect(screen.getByRole('button', { name: 'Redeploy' })).toHaveAccessibleDescription(
      /Acme is suspended: its agents cannot redeploy until billing is active again/,
    );
  });
});

describe('a button with a reason of its own', () => {
  it('is disabled and described by the reason, which a screen states in words', () => {
    renderWithMantine(
      <ButtonWithReason reason="The newest 7 are kept already">Save number kept</ButtonWithReason>,
    );
    const button = screen.getByRole('button', { name: 'Save number kept' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription('The newest 7 are kept already');
  });

  it('is an ordinary button without one', () => {
    renderWithMantine(<ButtonWithReason reason={null}>Save number kept</ButtonWithReason>);
    expect(screen.getByRole('button', { name: 'Save number kept' })).toBeEnabled();
  });
});
