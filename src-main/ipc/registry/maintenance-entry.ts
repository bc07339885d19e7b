import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../../src-shared/contract.ts';
import { Organization } from '../../db/entities/index.ts';
import {
  holdMaintenance,
  refuseInMaintenance,
  type MaintenanceHold,
} from '../../db/maintenance.ts';
import { loosely, type AnyRegistration, type Input } from './registration-shape.ts';

/**
 * Puts the organizations a call declares in maintenance, once it is known
 * the caller may make it, before its transaction begins; one in another's
 * maintenance refuses the call. The caller ends the hold (`held.hold`);
 * the answer is the hold's ticket, or null when the call declares none.
 */
export async function enterMaintenance(
  root: EntityManager,
  channel: Channel,
  reg: AnyRegistration,
  input: Input,
  held: { hold: MaintenanceHold | null },
): Promise<number | null> {
  if (!reg.maintenance) return null;
  const ids = [...new Set(loosely(reg.maintenance.organizationIds)(input) as unknown as string[])];
  const hold = (held.hold = await holdMaintenance(root, reg.maintenance.reason, channel));
  const claimed = new Set(await hold.claim('id', ids));
  const others = ids.filter((id) => !claimed.has(id));
  if (others.length > 0) {
    const rows = await root
      .fork()
      .find(
        Organization,
        { id: others },
        { fields: ['id', 'name', 'maintenanceReason', 'maintenanceSince', 'maintenanceTicket'] },
      );
    for (const row of rows) await refuseInMaintenance(root.fork(), row);
  }
  return hold.ticket;
}
