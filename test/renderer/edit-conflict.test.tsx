import { act, renderHook, screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../src-renderer/api/client.ts';
import {
  ConflictPanel,
  useOpenedRecord,
  useVersionedSave,
  type ConflictField,
} from '../../src-renderer/components/edit-conflict.tsx';
import { renderWithMantine } from './render.tsx';

interface Item {
  id: string;
  version: number;
  name: string;
  note: string;
}
type Values = Pick<Item, 'name' | 'note'>;

const FIELDS: ConflictField<Item, Values>[] = [
  { label: 'Name', theirs: (i) => i.name, yours: (v) => v.name },
  { label: 'Note', theirs: (i) => i.note, yours: (v) => v.note },
];
const opened: Item = { id: 'i1', version: 3, name: 'Old', note: 'same' };
const theirs: Item = { id: 'i1', version: 4, name: 'Theirs', note: 'same' };
const conflict = () => new ApiError({ code: 'CONFLICT', message: 'changed by someone else' });

describe('the record an edit dialog opened', () => {
  it('stays the one it opened while the screen behind reloads a newer one', () => {
    const { result, rerender } = renderHook(({ record }) => useOpenedRecord(record), {
      initialProps: { record: opened },
    });
    rerender({ record: theirs });
    expect(result.current).toBe(opened);
  });
});

describe('a versioned save', () => {
  it('sends the version the dialog opened with', async () => {
    const save = vi.fn(async () => undefined);
    const { result } = renderHook(() =>
      useVersionedSave<Item, Values>({
        base: opened,
        load: async () => theirs,
        save,
        onError: vi.fn(),
      }),
    );
    await act(async () => {
      expect(await result.current.submit({ name: 'Mine', note: 'same' })).toBe(true);
    });
    expect(save).toHaveBeenCalledWith(3, { name: 'Mine', note: 'same' });
  });

  it('turns a CONFLICT into their record beside my values, saving nothing', async () => {
    const save = vi.fn(async () => Promise.reject(conflict()));
    const onError = vi.fn();
    const { result } = renderHook(() =>
      useVersionedSave<Item, Values>({ base: opened, load: async () => theirs, save, onError }),
    );
    await act(async () => {
      expect(await result.current.submit({ name: 'Mine', note: 'same' })).toBe(false);
    });
    expect(result.current.conflict).toEqual({ theirs, yours: { name: 'Mine', note: 'same' } });
    expect(onError).not.toHaveBeenCalled();
  });

  it('saves mine on top of their version when asked', async () => {
    const save = vi.fn<(version: number, values: Values) => Promise<unknown>>();
    save.mockRejectedValueOnce(conflict()).mockResolvedValueOnce(undefined);
    const { result } = renderHook(() =>
      useVersionedSave<Item, Values>({
        base: opened,
        load: async () => theirs,
        save,
        onError: vi.fn(),
      }),
    );
    await act(async () => void (await result.current.submit({ name: 'Mine', note: 'same' })));
    await act(async () => expect(await result.current.takeYours()).toBe(true));
    expect(save).toHaveBeenLastCalledWith(4, { name: 'Mine', note: 'same' });
    expect(result.current.conflict).toBeNull();
  });

  it('hands any other refusal to the dialog', async () => {
    const refusal = new ApiError({ code: 'VALIDATION', message: 'bad', fields: { name: 'bad' } });
    const onError = vi.fn();
    const { result } = renderHook(() =>
      useVersionedSave<Item, Values>({
        base: opened,
        load: async () => theirs,
        save: async () => Promise.reject(refusal),
        onError,
      }),
    );
    await act(async () => void (await result.current.submit({ name: '', note: 'same' })));
    expect(onError).toHaveBeenCalledWith(refusal);
    expect(result.current.conflict).toBeNull();
  });
});

describe('the conflict panel', () => {
  const show = (handlers: Partial<Record<'keep' | 'take' | 'back', () => void>> = {}) =>
    renderWithMantine(
      <ConflictPanel
        conflict={{ theirs, yours: { name: 'Mine', note: 'same' } }}
        fields={FIELDS}
        saving={false}
        onKeepTheirs={handlers.keep ?? vi.fn()}
        onTakeYours={handlers.take ?? vi.fn()}
        onBackToEditing={handlers.back ?? vi.fn()}
      />,
    );

  it('lists each field whose values differ, theirs beside mine', () => {
    show();
    const table = screen.getByRole('table', { name: 'Their saved values beside yours' });
    const row = within(table).getByRole('row', { name: /Name/ });
    expect(
      within(row)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Theirs', 'Mine']);
  });

  it('leaves out the fields on which both agree', () => {
    show();
    expect(screen.queryByRole('row', { name: /Note/ })).toBeNull();
  });

  it.each([
    ['Keep theirs', 'keep'],
    ['Save mine over theirs', 'take'],
    ['Back to editing', 'back'],
  ] as const)('does what "%s" says', async (label, key) => {
    const handler = vi.fn();
    show({ [key]: handler });
    await userEvent.click(screen.getByRole('button', { name: label }));
    expect(handler).toHaveBeenCalledOnce();
  });
});
