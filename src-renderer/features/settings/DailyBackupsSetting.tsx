import { Box, Group, NumberInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { DAILY_BACKUPS_KEPT, dailyBackupsKeptField } from '../../../src-shared/domain/fields.ts';
import { useWrite } from '../../api/hooks.ts';
import { ButtonWithReason } from '../../components/Refusable.tsx';
import { fieldSentence } from '../../components/forms.ts';

/** How many daily backups the embedded database keeps; saved at once, used at the next backup. */
export function DailyBackupsSetting({ kept }: { kept: number | undefined }) {
  const [keep, setKeep] = useState<number | string>(kept ?? DAILY_BACKUPS_KEPT.byDefault);
  useEffect(() => {
    if (kept !== undefined) setKeep(kept);
  }, [kept]);
  const save = useWrite('settings.saveBackups', {
    success: (r) => `Daily backups: the newest ${r.dailyBackupsKept} are kept`,
    invalidates: ['settings'],
  });
  // the same rule the main process applies, so a wrong number is said before it is sent
  const checked = dailyBackupsKeptField.safeParse(keep);
  const problem = keep === '' ? 'is required' : checked.error?.issues[0]?.message;
  const unsaveable = problem
    ? 'Correct the number first'
    : keep === kept
      ? `The newest ${kept} are kept already`
      : null;
  return (
    <Box
      component="form"
      mb="md"
      onSubmit={(event) => {
        event.preventDefault();
        if (checked.success) save.mutate({ keep: checked.data });
      }}
    >
      <NumberInput
        label="Daily backups kept"
        description="Taken once a day while the console runs on the embedded database, into the backups folder; the oldest past this number go at the next one."
        min={DAILY_BACKUPS_KEPT.min}
        max={DAILY_BACKUPS_KEPT.max}
        allowDecimal={false}
        allowNegative={false}
        clampBehavior="none"
        value={keep}
        onChange={setKeep}
        error={
          problem
            ? `Daily backups kept ${problem}`
            : (fieldSentence(save.error?.fields?.keep) ?? save.error?.message)
        }
        // the button beside the field, its description above and its error below both
        inputContainer={(field) => (
          <Group wrap="nowrap">
            <Box w={160}>{field}</Box>
            <ButtonWithReason
              type="submit"
              variant="default"
              loading={save.isPending}
              reason={unsaveable}
            >
              Save number kept
            </ButtonWithReason>
          </Group>
        )}
      />
    </Box>
  );
}
