import { z } from 'zod';
import {
  CHANGE_KINDS,
  CHANNEL_NAMES,
  type ChangeKind,
  type FleetChange,
  type FleetEvent,
} from '../channels.ts';
import { decide, mayEver, type Actor } from './permissions.ts';

/*
 * Events reach screens from two places: this process (progress, start-up)
 * and PostgreSQL NOTIFY, which any role that can connect to the database may
 * send. So a notification is data to check, never an object to trust, and
 * who hears each type of event is decided here, for both transports.
 */

/** A change notification is a few short fields: anything longer is not ours. */
export const MAX_CHANGE_PAYLOAD = 512;

// integers PostgreSQL's `integer` version column can hold
const MAX_VERSION = 2_147_483_647;

/** Kinds whose changes concern no one organization (the catalog, the fleet's schemas, demo data). */
export const FLEET_WIDE_KINDS: ReadonlySet<ChangeKind> = new Set(['skill', 'tenancy', 'demo']);

/** Whether a change names the organization it concerns, as every change of a tenant's record must. */
export function namesItsOrganization(
  change: Pick<FleetChange, 'kind' | 'organizationId'>,
): boolean {
  return FLEET_WIDE_KINDS.has(change.kind) || change.organizationId !== null;
}

const changeSchema = z
  .strictObject({
    kind: z.enum(CHANGE_KINDS),
    id: z.uuid().nullable(),
    organizationId: z.uuid().nullable(),
    version: z.number().int().min(0).max(MAX_VERSION).nullable(),
    action: z.enum(CHANNEL_NAMES),
  })
  .refine(namesItsOrganization);

/**
 * The change a notification's payload describes, built from its checked
 * fields only; null for anything else (oversized, not JSON, unknown kind or
 * action, ids that are not uuids, extra fields, a tenant's record without
 * its organization).
 */
export function parseChange(payload: string): FleetChange | null {
  if (payload.length > MAX_CHANGE_PAYLOAD) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = changeSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { kind, id, organizationId, version, action } = parsed.data;
  return { kind, id, organizationId, version, action };
}

/** The event a checked change becomes: its type can only be `change`. */
export function changeEvent(change: FleetChange): FleetEvent {
  const { kind, id, organizationId, version, action } = change;
  return { type: 'change', kind, id, organizationId, version, action };
}

const administrator = (actor: Actor) => mayEver(actor, 'seeAllOrganizations').allowed;

/**
 * A change is heard by those who may read the organization it concerns.
 * One without an organization, and an organization's deletion (whose
 * members are gone with it), only by administrators.
 */
function hearsChange(actor: Actor, change: FleetChange): boolean {
  if (actor.kind !== 'user') return false;
  if (change.organizationId === null || change.action === 'organizations.delete')
    return administrator(actor);
  return decide(actor, 'readOrganizations', { organizationId: change.organizationId }).allowed;
}

/**
 * Whether `actor` (the window's current identity; anonymous before sign-in)
 * may be sent `event`. Every type has its rule; an unknown type reaches
 * nobody.
 */
export function mayHear(actor: Actor, event: FleetEvent): boolean {
  switch (event.type) {
    case 'startup-progress':
    case 'startup-failed':
      // made by this process while it starts, before anyone can sign in: the start-up screen
      return true;
    case 'migration-progress':
      // the progress names every tenant: the audience of tenancy.status
      return actor.kind === 'user' && mayEver(actor, 'manageTenancy').allowed;
    case 'transfer-progress':
      // a move is started from Settings: its progress goes to whoever may start one
      return actor.kind === 'user' && mayEver(actor, 'manageSettings').allowed;
    case 'change':
      return hearsChange(actor, event);
    case 'reconnected':
      return actor.kind === 'user';
    default:
      return false;
  }
}
