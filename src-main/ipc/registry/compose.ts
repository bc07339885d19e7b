import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FleetChange } from '../../../src-shared/channels.ts';
import {
  contract,
  type BulkOutcome,
  type BulkResult,
  type Channel,
  type ChannelOutput,
} from '../../../src-shared/contract.ts';
import {
  decide,
  mayEver,
  type Actor,
  type Capability,
  type Target,
} from '../../../src-shared/domain/permissions.ts';
import { namesItsOrganization } from '../../../src-shared/domain/events.ts';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { AppError, isAppError } from '../../../src-shared/errors.ts';
import { Agent, Organization, Skill, User } from '../../db/entities/index.ts';
import { requireRecentPassword } from '../../identity/step-up.ts';
import { CHANGE_CHANNEL } from '../../db/change-listener.ts';
import {
  holdMaintenance,
  refuseInMaintenance,
  type MaintenanceHold,
} from '../../db/maintenance.ts';
import { organizationRow, tenantEm, type OrganizationRow } from '../../db/tenancy.ts';
import { outcome, recordAudit, type Changes } from '../../services/audit.ts';
import { appErrorOf, withDbErrors } from '../../services/db-errors.ts';
import { parseOrThrow } from '../../services/validation.ts';
import type {
  AuditNote,
  Caller,
  Invoke,
  RuntimeServices,
  TenantWork,
  Work,
} from '../../services/work.ts';
import type { LoadKind, Loadable, Registration } from './define.ts';
import { REGISTRY } from './index.ts';

/*
 * The one combinator every call goes through: the declared needs of its
 * channel, in order — input, password-change gate, permission, scope and
 * transaction, the record it is about (found, locked, version-checked),
 * the business function, then its audit events in the same transaction.
 */

/** Who is calling, resolved by the router from the window's session. */
export interface Frame {
  actor: Actor;
  caller: Caller;
}

/** The registration of a channel, without the per-channel types (compose works on any). */
type AnyRegistration = {
  access: Registration<Channel>['access'];
  scope: Registration<Channel>['scope'];
  audit?: Registration<Channel>['audit'];
  target?: (input: never, em: EntityManager) => Target | Promise<Target>;
  beforePasswordChange?: true;
  stepUp?: true | ((input: never, actor: Actor) => boolean);
  maintenance?: { reason: string; organizationIds: (input: never) => readonly string[] };
  duringMaintenance?: true;
  load?: LoadKind;
  loadId?: (input: never) => string;
  run?: (w: never, input: never, record: never) => Promise<unknown>;
  bulk?: {
    ids: (input: never) => readonly string[];
    label: (record: never) => string;
    each: (w: never, input: never, record: never) => Promise<object>;
    whenRefused: object;
  };
};

type Input = Record<string, unknown>;
// the declarations are typed per channel in define.ts; here they are applied to the parsed input
const loosely = <F>(f: F) => f as unknown as (...args: unknown[]) => Promise<never>;

const WHAT: Record<LoadKind, string> = {
  organization: 'Organization',
  user: 'User',
  skill: 'Skill',
  agent: 'Agent',
};

function refuse(actor: Actor, capability: Capability | null, target: Target): void {
  if (capability === null) return;
  const decision = decide(actor, capability, target);
  if (!decision.allowed) throw new AppError(decision.code, decision.message);
}

/** The record a call is about, found in the scope's EntityManager (locked when writing). */
async function loadRecord(
  em: EntityManager,
  kind: LoadKind,
  id: string,
  lock: boolean,
): Promise<Loadable[LoadKind]> {
  const options = lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {};
  const find = (): Promise<Loadable[LoadKind] | null> => {
    switch (kind) {
      case 'user':
        return em.findOne(User, id, { ...options, populate: ['organization'] });
      case 'organization':
        return em.findOne(Organization, id, options);
      case 'skill':
        return em.findOne(Skill, id, options);
      case 'agent':
        return em.findOne(Agent, id, options);
    }
  };
  const found = await find();
  if (!found) throw new AppError('NOT_FOUND', `${WHAT[kind]} not found`);
  return found;
}

/** What a loaded record says about whom it belongs to, for the permission decision. */
function targetOf(kind: LoadKind, record: Loadable[LoadKind]): Target {
  if (kind === 'organization') return { organizationId: (record as Organization).id };
  if (kind === 'user') {
    const user = record as User;
    return { organizationId: user.organization.id, userId: user.id, what: 'User' };
  }
  return {};
}

/** Optimistic locking: a write based on an older version of a record is refused. */
function requireVersion(kind: LoadKind, record: Loadable[LoadKind], input: Input): void {
  const given = input.version;
  if (typeof given !== 'number' || !('version' in record) || record.version === given) return;
  const what = 'name' in record ? `${WHAT[kind]} "${record.name}"` : WHAT[kind];
  throw new AppError(
    'CONFLICT',
    `${what} was changed by someone else (version ${record.version}, yours ${given}); reload and try again`,
  );
}

const writes = (scope: AnyRegistration['scope']) => scope === 'write' || scope === 'tenantWrite';

/** A tenant write found its organization renamed after choosing the schema: it starts again. */
class RenamedMeanwhile extends Error {}

export interface Registry {
  /** Runs one call of `channel` for `frame`; throws AppErrors (and faults) for the router to shape. */
  call(channel: Channel, rawInput: unknown, frame: Frame): Promise<unknown>;
  /** Channels invoked by the runtime itself, as the system. */
  system: Invoke;
}

export function createRegistry(
  services: Omit<RuntimeServices, 'system'>,
  /** Told after each call of a writing channel, committed or not (the router forgets what it kept). */
  wrote: () => void = () => undefined,
  /** The row of the organization a tenant call is about (the router keeps them between calls). */
  organizationOf: (id: string) => Promise<OrganizationRow | null>,
): Registry {
  /** Database failures that mean something to the operator arrive as AppErrors (CONFLICT, …). */
  const call = async (channel: Channel, rawInput: unknown, frame: Frame): Promise<unknown> => {
    const held: { hold: MaintenanceHold | null } = { hold: null };
    try {
      return await handle(channel, rawInput, frame, held);
    } catch (error) {
      throw appErrorOf(error) ?? error;
    } finally {
      await held.hold?.close();
      if (writes((REGISTRY[channel] as AnyRegistration).scope)) wrote();
    }
  };

  /**
   * Puts the organizations a call declares in maintenance, once it is known
   * the caller may make it, before its transaction begins; one in another's
   * maintenance refuses the call. The caller (`call`) ends it.
   */
  const enterMaintenance = async (
    channel: Channel,
    reg: AnyRegistration,
    input: Input,
    held: { hold: MaintenanceHold | null },
  ): Promise<number | null> => {
    if (!reg.maintenance) return null;
    const ids = [
      ...new Set(loosely(reg.maintenance.organizationIds)(input) as unknown as string[]),
    ];
    const hold = (held.hold = await holdMaintenance(
      services.root,
      reg.maintenance.reason,
      channel,
    ));
    const claimed = new Set(await hold.claim('id', ids));
    const others = ids.filter((id) => !claimed.has(id));
    if (others.length > 0) {
      const rows = await services.root
        .fork()
        .find(
          Organization,
          { id: others },
          { fields: ['id', 'name', 'maintenanceReason', 'maintenanceSince', 'maintenanceTicket'] },
        );
      for (const row of rows) await refuseInMaintenance(services.root.fork(), row);
    }
    return hold.ticket;
  };

  const handle = async (
    channel: Channel,
    rawInput: unknown,
    frame: Frame,
    held: { hold: MaintenanceHold | null },
  ): Promise<unknown> => {
    const reg = REGISTRY[channel] as AnyRegistration;
    const input = parseOrThrow(contract[channel].input, rawInput ?? {}) as Input;
    const { actor, caller } = frame;
    if (caller.user?.mustChangePassword && !reg.beforePasswordChange) {
      throw new AppError(
        'PASSWORD_CHANGE_REQUIRED',
        'Choose a new password first: the current one was set by someone else',
      );
    }
    if (reg.access === 'signedIn' && actor.kind === 'anonymous') {
      throw new AppError('UNAUTHENTICATED', 'Sign in to continue');
    }
    const capability =
      reg.access === 'public' || reg.access === 'signedIn'
        ? null
        : typeof reg.access === 'function'
          ? (loosely(reg.access)(input) as unknown as Capability)
          : reg.access;
    const organizationId =
      typeof input.organizationId === 'string' ? input.organizationId : undefined;
    const facts = (
      reg.target ? await loosely(reg.target)(input, services.root.fork()) : {}
    ) as Target;
    const guarded =
      reg.stepUp === true ||
      (typeof reg.stepUp === 'function' &&
        (reg.stepUp as (input: Input, actor: Actor) => boolean)(input, actor));
    /** Asked once the caller is allowed: a refusal stays a refusal, not a password prompt. */
    const stepUp = () => {
      if (guarded) requireRecentPassword(actor, caller, services.sessions.now());
    };
    // a user or organization record says itself whom it belongs to: decided once it is loaded
    const ownedRecord = reg.load === 'user' || reg.load === 'organization';
    if (!ownedRecord) {
      refuse(actor, capability, { organizationId, ...facts });
      stepUp();
    } else if (capability !== null) {
      const ever = mayEver(actor, capability);
      if (!ever.allowed) throw new AppError(ever.code, ever.message);
    }
    const ownTicket = await enterMaintenance(channel, reg, input, held);

    const tenant = reg.scope === 'tenantRead' || reg.scope === 'tenantWrite';
    const writing = writes(reg.scope);
    const notes: AuditNote[] = [];
    /** The organization audit events belong to unless the function says otherwise. */
    let auditOrganization: string | null = null;

    const base = (em: EntityManager): Work => ({
      em,
      actor,
      runtime,
      caller,
      audit: (note) => void notes.push(note),
      invoke: (next, nextInput) => call(next, nextInput, frame) as never,
    });

    /**
     * Writes the call's audit events in `em`'s transaction, each announced
     * to every console on the database by NOTIFY: sent inside the
     * transaction, it is heard only if the write commits.
     */
    const writeAudit = async (em: EntityManager, result?: unknown) => {
      const kind = reg.audit;
      if (typeof kind !== 'string') return;
      const outcome = result as { id?: unknown; version?: unknown } | null | undefined;
      for (const note of notes.splice(0)) {
        const organizationId =
          note.organizationId === undefined ? auditOrganization : note.organizationId;
        await recordAudit(em, actor, {
          action: channel,
          targetType: kind,
          targetId: note.targetId,
          organizationId,
          ...(note.changes ? { changes: note.changes } : {}),
        });
        const change: FleetChange = {
          kind,
          id: note.targetId,
          organizationId,
          version:
            outcome?.id === note.targetId && typeof outcome?.version === 'number'
              ? outcome.version
              : null,
          action: channel,
        };
        // caught here, in the write's transaction: consoles would drop it, and the audit view miss it
        if (!namesItsOrganization(change))
          throw new Error(`${channel}: a ${change.kind} change must name its organization`);
        await em.execute(`select pg_notify('${CHANGE_CHANNEL}', ?)`, [JSON.stringify(change)]);
      }
    };

    /**
     * The one row of a call audited whatever its outcome: what the function
     * reported (its target, then its counts), and how it ended, in a
     * transaction of its own.
     */
    const writeOutcome = async (operation: string, error?: unknown) => {
      const reported = notes.splice(0);
      if (reported.some((note) => note.withheld)) return;
      const failure =
        error === undefined
          ? undefined
          : // a fault's text is for the log, not for a screen
            ((isAppError(error) ? error : appErrorOf(error))?.message ?? 'internal error');
      await services.root.fork().transactional((tx) =>
        recordAudit(tx, actor, {
          action: channel,
          targetType: operation,
          targetId: reported.findLast((note) => note.targetId !== null)?.targetId ?? null,
          organizationId: reported.findLast((note) => note.organizationId)?.organizationId ?? null,
          changes: {
            ...reported.reduce<Changes>((all, note) => ({ ...all, ...note.changes }), {}),
            ...outcome(failure),
          },
        }),
      );
    };

    /** Runs the call; audited whatever its outcome when declared an operation (writeOutcome). */
    const recordingOutcome = async (run: () => Promise<unknown>): Promise<unknown> => {
      if (typeof reg.audit !== 'object') return run();
      const { operation } = reg.audit;
      let result: unknown;
      try {
        result = await run();
      } catch (error) {
        await writeOutcome(operation, error);
        throw error;
      }
      await writeOutcome(operation);
      return result;
    };

    /** The record the call is about: found (locked when writing), permitted, at the version given. */
    const recordFor = async (em: EntityManager, id: string | undefined): Promise<unknown> => {
      if (!reg.load || id === undefined) return undefined;
      const record = await loadRecord(em, reg.load, id, writing);
      const owner = targetOf(reg.load, record);
      if (ownedRecord) {
        refuse(actor, capability, { ...owner, ...facts });
        stepUp();
      }
      requireVersion(reg.load, record, input);
      if (reg.load === 'organization' && writing && !reg.duringMaintenance)
        await refuseInMaintenance(em, record as Organization, ownTicket);
      auditOrganization = owner.organizationId ?? auditOrganization;
      return record;
    };

    /** One unit of work in the declared scope: a fork, or a transaction, in public or the tenant. */
    const inScope = async <T>(work: (w: Work) => Promise<T>): Promise<T> => {
      if (!tenant) {
        const em = services.root.fork();
        if (writing) {
          return em.transactional(async (tx) => {
            const result = await work(base(tx));
            await writeAudit(tx, result);
            return result;
          });
        }
        const result = await work(base(em));
        if (notes.length > 0) await em.fork().transactional((tx) => writeAudit(tx, result));
        return result;
      }
      if (organizationId === undefined)
        throw new Error(`${channel} is tenant-scoped without an organizationId`);
      const inTenant = async (row: OrganizationRow | null): Promise<T> => {
        if (!row) throw new AppError('NOT_FOUND', 'Organization not found');
        const found = services.root.fork().map(Organization, row);
        auditOrganization = found.id;
        const schema = { schema: tenantSchemaName(found.slug) };
        const em = tenantEm(services.root, found.slug);
        if (!writing) {
          return withDbErrors(
            () => work({ ...base(em), organization: found } as TenantWork),
            schema,
          );
        }
        // refused at once as the row was last heard of, rather than after the operation's lock
        await refuseInMaintenance(services.root.fork(), found, ownTicket);
        return withDbErrors(
          () =>
            em.transactional(async (tx) => {
              // every tenant write holds its organization's row: limits and counters stay exact
              const organization = await tx.findOne(Organization, organizationId, {
                lockMode: LockMode.PESSIMISTIC_WRITE,
              });
              if (!organization) throw new AppError('NOT_FOUND', 'Organization not found');
              if (organization.slug !== found.slug) throw new RenamedMeanwhile();
              await refuseInMaintenance(tx, organization, ownTicket);
              const result = await work({ ...base(tx), organization } as TenantWork);
              await writeAudit(tx, result);
              return result;
            }),
          schema,
        );
      };
      try {
        return await inTenant(await organizationOf(organizationId));
      } catch (error) {
        if (!(error instanceof RenamedMeanwhile)) throw error;
        // the schema now has the new slug's name: once more, from the row as committed
        notes.length = 0;
        return inTenant(await organizationRow(services.root.fork(), organizationId));
      }
    };

    const recordIdOf = (value: Input) =>
      reg.loadId ? (loosely(reg.loadId)(value) as unknown as string) : (value.id as string);

    if (!reg.bulk) {
      return recordingOutcome(() =>
        inScope(async (w) =>
          loosely(reg.run)(
            w,
            input,
            await recordFor(w.em, reg.load ? recordIdOf(input) : undefined),
          ),
        ),
      );
    }

    const bulk = reg.bulk;
    const results: (BulkOutcome & object)[] = [];
    for (const id of new Set(loosely(bulk.ids)(input) as unknown as string[])) {
      let label: string | null = null;
      try {
        const extra = await inScope(async (w) => {
          const record = await recordFor(w.em, id);
          label = loosely(bulk.label)(record) as unknown as string;
          return (await loosely(bulk.each)(w, input, record)) as object;
        });
        results.push({ id, label, outcome: 'done', error: null, ...extra });
      } catch (error) {
        if (!isAppError(error)) throw error;
        notes.length = 0;
        results.push({
          id,
          label,
          outcome: 'refused',
          error: error.toShape(),
          ...bulk.whenRefused,
        });
      }
    }
    const done = results.filter((r) => r.outcome === 'done').length;
    return { results, done, refused: results.length - done } satisfies BulkResult;
  };

  const runtime: RuntimeServices = {
    ...services,
    system: (channel, input) =>
      call(channel, input, {
        actor: { kind: 'system' },
        caller: {
          user: null,
          session: null,
          files: undefined,
          signedIn: async () => undefined,
          renewed: async () => undefined,
          signOut: async () => undefined,
        },
      }) as Promise<ChannelOutput<typeof channel>>,
  };
  return { call, system: runtime.system };
}
