import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ChangeList } from '../../src-renderer/features/audit/ChangeList.tsx';
import { renderWithMantine } from './render.tsx';

/* An audit row's changes on screen: a line per field, before and after, never raw JSON. */

describe('the change list', () => {
  it('shows each field with its value before and after', () => {
    renderWithMantine(<ChangeList changes={{ tier: { from: 'free', to: 'pro' } }} />);
    const item = screen.getByRole('listitem');
    expect(item).toHaveTextContent(/^Tier Free → changed to Pro$/);
  });

  it('shows a value recorded alone without an arrow', () => {
    renderWithMantine(<ChangeList changes={{ name: { to: 'Acme' } as never }} />);
    expect(screen.getByRole('listitem')).toHaveTextContent(/^Name Acme$/);
  });

  it('holds no JSON and no ∅', () => {
    renderWithMantine(
      <ChangeList
        changes={{
          description: { from: null, to: 'x' },
          config: { from: { model: 'a' }, to: { model: 'b', temperature: 0.5 } },
        }}
      />,
    );
    const text = screen.getByRole('list').textContent ?? '';
    expect(text).not.toMatch(/[{}"∅]/);
    expect(text).toContain('Configuration Model a');
  });

  it('shows nothing when the event recorded no change', () => {
    const { container } = renderWithMantine(<ChangeList changes={{}} />);
    expect(container.querySelector('ul')).toBeNull();
  });
});
