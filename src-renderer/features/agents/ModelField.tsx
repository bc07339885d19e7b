import {
  Autocomplete,
  Text,
  type AutocompleteProps,
  type ComboboxParsedItem,
  type OptionsFilter,
} from '@mantine/core';
import { counted } from '../../../src-shared/plural.ts';
import { useChannel } from '../../api/hooks.ts';

const labelOf = (option: ComboboxParsedItem) => ('label' in option ? option.label : '');

/**
 * The field shows the model it holds; opened on it, the list would hold
 * that model alone. A value that is one of the models in use therefore
 * offers them all, and anything else typed narrows them as usual.
 */
const allWhenOneOfThem: OptionsFilter = ({ options, search }) => {
  const typed = search.trim();
  if (options.some((o) => labelOf(o) === typed)) return options;
  return options.filter((o) => labelOf(o).toLowerCase().includes(typed.toLowerCase()));
};

/**
 * An agent's model: the models the organization's agents already use, most
 * used first with how many use each, and any other typed in (a model no
 * agent uses yet).
 */
export function ModelField({
  organizationId,
  ...input
}: { organizationId: string } & Pick<
  AutocompleteProps,
  'value' | 'onChange' | 'onFocus' | 'onBlur' | 'error'
>) {
  const inUse = useChannel('agents.models', { organizationId });
  const models = inUse.data?.models ?? [];
  const agentsUsing = new Map(models.map((m) => [m.model, m.agents]));
  return (
    <Autocomplete
      label="Model"
      data={models.map((m) => m.model)}
      filter={allWhenOneOfThem}
      maxDropdownHeight={280}
      renderOption={({ option }) => (
        <Text size="sm" span>
          {option.value}
          <Text size="sm" c="dimmed" span>
            {` · ${counted(agentsUsing.get(option.value) ?? 0, 'agent')}`}
          </Text>
        </Text>
      )}
      {...input}
    />
  );
}
