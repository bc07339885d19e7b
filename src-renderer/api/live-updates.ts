import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';

/** The reads a change to each kind of record can alter (query keys begin with the channel's resource). */
const AFFECTED: Record<string, readonly string[]> = {
  organization: ['organizations', 'fleet', 'users', 'agents', 'tenancy'],
  user: ['users', 'fleet'],
  agent: ['agents', 'organizations', 'fleet'],
  skill: ['skills', 'agents'],
  tenancy: ['tenancy', 'fleet'],
};

/**
 * Keeps what is on screen current while other operators (or other windows)
 * write: each announced change refreshes the reads it can alter; after the
 * stream was lost, everything is read again. No polling.
 */
export function useLiveUpdates(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      window.fleet.onEvent((event) => {
        if (event.type === 'reconnected') void client.invalidateQueries();
        if (event.type !== 'change') return;
        // a view as another user begun or ended in another window of this session
        if (event.action === 'auth.viewAs' || event.action === 'auth.endViewAs')
          void client.invalidateQueries({ queryKey: ['auth'] });
        const resources = AFFECTED[event.kind];
        if (!resources) {
          void client.invalidateQueries();
          return;
        }
        for (const resource of resources) void client.invalidateQueries({ queryKey: [resource] });
      }),
    [client],
  );
}

/**
 * Whether someone else has changed a record since it was opened for editing
 * (a newer version announced), so that the dialog can say so before saving.
 */
export function useChangedElsewhere(kind: string, id: string, version: number): boolean {
  const [changed, setChanged] = useState(false);
  useEffect(
    () =>
      window.fleet.onEvent((event) => {
        if (event.type !== 'change' || event.kind !== kind || event.id !== id) return;
        if (event.version === null || event.version > version) setChanged(true);
      }),
    [kind, id, version],
  );
  return changed;
}
