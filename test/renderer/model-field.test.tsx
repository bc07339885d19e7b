import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FleetBridge } from '../../src-shared/channels.ts';
import { ModelField } from '../../src-renderer/features/agents/ModelField.tsx';
import { renderWithMantine } from './render.tsx';

/*
 * The agent form's Model field: the organization's models in use, most used
 * first with their counts, all of them offered while the field holds one of
 * them, narrowed by anything else typed, and a model no agent uses taken as typed.
 */

const ORG = 'a0000000-0000-4000-8000-000000000001';
const ODD = `o'brien "x"; -- modèle 🚀`;
let asked: unknown[] = [];

beforeEach(() => {
  asked = [];
  const bridge: FleetBridge = {
    invoke: async (channel, input) => {
      asked.push([channel, input]);
      return {
        ok: true,
        data: {
          models: [
            { model: 'gpt-4o', agents: 3 },
            { model: 'claude-sonnet-4', agents: 2 },
            { model: ODD, agents: 1 },
          ],
        },
      };
    },
    onEvent: () => () => undefined,
  };
  window.fleet = bridge;
});

function Field({ initial }: { initial: string }) {
  const [value, setValue] = useState(initial);
  return (
    <>
      <ModelField organizationId={ORG} value={value} onChange={setValue} />
      <output aria-label="Chosen">{value}</output>
    </>
  );
}

function renderField(initial: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  renderWithMantine(
    <QueryClientProvider client={client}>
      <Field initial={initial} />
    </QueryClientProvider>,
  );
  return screen.getByRole('combobox', { name: 'Model' });
}

const optionNames = async () =>
  (await screen.findAllByRole('option')).map((option) => option.textContent);

describe('the Model field', () => {
  it('offers every model in use, most used first with its count, while it holds one of them', async () => {
    const field = renderField('claude-sonnet-4');
    await userEvent.click(field);
    expect(await optionNames()).toEqual([
      'gpt-4o · 3 agents',
      'claude-sonnet-4 · 2 agents',
      `${ODD} · 1 agent`,
    ]);
    expect(asked).toEqual([['agents.models', { organizationId: ORG }]]);
  });

  it('is chosen from by the keyboard', async () => {
    const field = renderField('claude-sonnet-4');
    field.focus();
    await screen.findAllByRole('option');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}{Enter}');
    expect(screen.getByRole('status', { name: 'Chosen' })).toHaveTextContent(ODD);
  });

  it('narrows the list to what is typed, and takes a model no agent uses', async () => {
    const field = renderField('');
    await userEvent.type(field, 'GPT');
    expect(await optionNames()).toEqual(['gpt-4o · 3 agents']);
    await userEvent.clear(field);
    await userEvent.type(field, 'my-new-model');
    expect(screen.queryAllByRole('option')).toEqual([]);
    expect(screen.getByRole('status', { name: 'Chosen' })).toHaveTextContent('my-new-model');
  });
});
