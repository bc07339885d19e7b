import type { ChannelInput } from '../../../src-shared/contract.ts';
import {
  AUDIT_ACTION_KEYS,
  AUDIT_TARGET_KEYS,
  type AuditAction,
  type AuditTarget,
} from '../../../src-shared/domain/audit-vocabulary.ts';

/*
 * The Audit screen's filters live in the URL (a link can open the log
 * filtered: "everything about this agent"), named as the channel names
 * them. A value the channel would refuse is dropped here rather than shown
 * as an error: it came from a hand-edited or outdated link.
 */

export type AuditFilters = Omit<ChannelInput<'audit.list'>, 'page' | 'pageSize'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((v) => v === value);
const moment = (value: string | null) =>
  value !== null && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
const id = (value: string | null) => (value !== null && UUID.test(value) ? value : undefined);

export function auditFilters(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {
    organizationId: id(params.get('organizationId')),
    actorId: id(params.get('actorId')),
    action: oneOf<AuditAction>(AUDIT_ACTION_KEYS, params.get('action')),
    targetType: oneOf<AuditTarget>(AUDIT_TARGET_KEYS, params.get('targetType')),
    targetId: params.get('targetId')?.trim().slice(0, 2_000) || undefined,
    from: moment(params.get('from')),
    to: moment(params.get('to')),
  };
  if (filters.from && filters.to && filters.from >= filters.to) delete filters.to;
  return Object.fromEntries(
    Object.entries(filters).filter(([, value]) => value !== undefined),
  ) as AuditFilters;
}

/** A filter's URL: what a link elsewhere (an agent's page, the overview) opens. */
export function auditHref(filters: AuditFilters): string {
  const params = new URLSearchParams(
    Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  return `/audit?${params.toString()}`;
}
