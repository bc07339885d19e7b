import { Alert } from '@mantine/core';
import { useChangedElsewhere } from '../api/live-updates.ts';

/** Said in an edit dialog when another operator saved the same record meanwhile. */
export function ChangedElsewhere({
  kind,
  id,
  version,
}: {
  kind: string;
  id: string;
  version: number;
}) {
  if (!useChangedElsewhere(kind, id, version)) return null;
  return (
    <Alert color="orange" title="Changed by someone else" role="alert">
      Another operator saved this record after you opened it. When you save, their version is shown
      beside yours and you choose which to keep; nothing is overwritten unseen.
    </Alert>
  );
}
