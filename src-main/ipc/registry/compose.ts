import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { contract, type Channel, type ChannelOutput } from '../../../src-shared/contract.ts';
import { tenantSchemaName } from '../../../src-shared/domain/slug.ts';
import { AppError } from '../../../src-shared/errors.ts';
import { Organization } from '../../db/entities/index.ts';
import { refuseInMaintenance, type MaintenanceHold } from '../../db/maintenance.ts';
import { organizationRow, tenantEm, type OrganizationRow } from '../../db/tenancy.ts';
import { appErrorOf, withDbErrors } from '../../services/db-errors.ts';
import { parseOrThrow } from '../../services/validation.ts';
import type { Invoke, RuntimeServices, TenantWork, Work } from '../../services/work.ts';
import { admit } from './admission.ts';
import { AuditTrail } from './audit-trail.ts';
import { runBulk } from './bulk.ts';
import { REGISTRY } from './index.ts';
import { enterMaintenance } from './maintenance-entry.ts';
import { loadRecord, requireVersion, targetOf } from './records.ts';
import {
  loosely,
  writes,
  type AnyRegistration,
  type Frame,
  type Input,
} from './registration-shape.ts';

export type { Frame } from './registration-shape.ts';

/*
 * The one combinator every call goes through: the declared needs of its
 * channel, in order — input, admission (password-change gate, permission,
 * step-up: admission.ts), maintenance, scope and transaction, the record it
 * is about (found, locked, version-checked: records.ts), the business
 * function, then its audit events in the same transaction (audit-trail.ts).
 */

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

  const handle = async (
    channel: Channel,
    rawInput: unknown,
    frame: Frame,
    held: { hold: MaintenanceHold | null },
  ): Promise<unknown> => {
    const reg = REGISTRY[channel] as AnyRegistration;
    const input = parseOrThrow(contract[channel].input, rawInput ?? {}) as Input;
    const admission = await admit(reg, input, frame, services.root, services.sessions.now());
    const ownTicket = await enterMaintenance(services.root, channel, reg, input, held);

    const organizationId =
      typeof input.organizationId === 'string' ? input.organizationId : undefined;
    const tenant = reg.scope === 'tenantRead' || reg.scope === 'tenantWrite';
    const writing = writes(reg.scope);
    const trail = new AuditTrail(channel, reg.audit, frame.actor, services.root);

    const base = (em: EntityManager): Work => ({
      em,
      actor: frame.actor,
      runtime,
      caller: frame.caller,
      audit: trail.note,
      invoke: (next, nextInput) => call(next, nextInput, frame) as never,
    });

    /** The record the call is about: found (locked when writing), permitted, at the version given. */
    const recordFor = async (em: EntityManager, id: string | undefined): Promise<unknown> => {
      if (!reg.load || id === undefined) return undefined;
      const record = await loadRecord(em, reg.load, id, writing);
      const owner = targetOf(reg.load, record);
      admission.admitRecord(owner);
      requireVersion(reg.load, record, input);
      if (reg.load === 'organization' && writing && !reg.duringMaintenance)
        await refuseInMaintenance(em, record as Organization, ownTicket);
      trail.organization = owner.organizationId ?? trail.organization;
      return record;
    };

    /** One unit of work in the declared scope: a fork, or a transaction, in public or the tenant. */
    const inScope = async <T>(work: (w: Work) => Promise<T>): Promise<T> => {
      if (!tenant) {
        const em = services.root.fork();
        if (writing) {
          return em.transactional(async (tx) => {
            const result = await work(base(tx));
            await trail.writeChanges(tx, result);
            return result;
          });
        }
        const result = await work(base(em));
        if (trail.pending) await em.fork().transactional((tx) => trail.writeChanges(tx, result));
        return result;
      }
      if (organizationId === undefined)
        throw new Error(`${channel} is tenant-scoped without an organizationId`);
      const inTenant = async (row: OrganizationRow | null): Promise<T> => {
        if (!row) throw new AppError('NOT_FOUND', 'Organization not found');
        const found = services.root.fork().map(Organization, row);
        trail.organization = found.id;
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
              await trail.writeChanges(tx, result);
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
        trail.forget();
        return inTenant(await organizationRow(services.root.fork(), organizationId));
      }
    };

    const recordIdOf = (value: Input) =>
      reg.loadId ? (loosely(reg.loadId)(value) as unknown as string) : (value.id as string);

    if (!reg.bulk) {
      return trail.recording(() =>
        inScope(async (w) =>
          loosely(reg.run)(
            w,
            input,
            await recordFor(w.em, reg.load ? recordIdOf(input) : undefined),
          ),
        ),
      );
    }

    return runBulk(reg.bulk, input, inScope, recordFor, trail);
  };

  const runtime: RuntimeServices = {
    ...services,
    system: (channel, input) =>
      call(channel, input, {
        actor: { kind: 'system' },
        caller: {
          user: null,
          session: null,
          viewingAs: null,
          viewEnded: null,
          files: undefined,
          signedIn: async () => undefined,
          renewed: async () => undefined,
          signOut: async () => undefined,
        },
      }) as Promise<ChannelOutput<typeof channel>>,
  };
  return { call, system: runtime.system };
}
