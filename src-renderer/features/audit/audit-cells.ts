import type { AuditEventDto } from '../../../src-shared/contract.ts';
import { auditTargetLabel } from '../../../src-shared/domain/audit-vocabulary.ts';
import { ROLES, roleName } from '../../../src-shared/domain/enums.ts';
import { toolName } from '../../../src-shared/domain/tool-names.ts';
import {
  TIERS,
  limitInWords,
  tierName,
  type TierLimits,
} from '../../../src-shared/domain/tiers.ts';
import { formatDate } from '../../components/forms.ts';

/*
 * What the Audit screen writes in a row: the target by name with where it
 * leads, the actor with where they lead, and the changes as a list of
 * fields, each with its value before and after, in words.
 */

/** What the stored field names are called on screen; others are split into words. */
const FIELD_LABELS: Record<string, string> = {
  billingStatus: 'Billing status',
  confirmedAt: 'Confirmed',
  systemPrompt: 'System prompt',
  systemPromptEnhancement: 'Prompt enhancement',
  maxConcurrentRequests: 'Concurrent requests',
  timeoutSeconds: 'Timeout (seconds)',
  agentVersion: 'Agent version',
  tierRequired: 'Tier required',
  isOfficial: 'Official',
  agentLimit: 'Agent limit',
  monthlyTokenLimit: 'Monthly tokens',
  workflowLimit: 'Workflow limit',
  config: 'Configuration',
  max_tokens: 'Max tokens',
};

export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ISO_MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A recorded value as a person reads it: no JSON, no ∅. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return value.toLocaleString('en-US');
  if (typeof value === 'string') return ISO_MOMENT.test(value) ? formatDate(value) : value;
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(valueText).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return 'none';
    return entries.map(([k, v]) => `${fieldLabel(k)} ${valueText(v)}`).join(', ');
  }
  return String(value);
}

const oneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  values.some((v) => v === value);

const LIMIT_FIELDS: readonly (keyof TierLimits)[] = [
  'agentLimit',
  'workflowLimit',
  'monthlyTokenLimit',
];

/** A recorded value of `field` by the name people know it by (a tier, a role, a limit, tools). */
export function fieldValueText(field: string, value: unknown): string {
  if ((field === 'tier' || field === 'tierRequired') && oneOf(TIERS, value)) return tierName(value);
  if (field === 'role' && oneOf(ROLES, value)) return roleName(value);
  if (oneOf(LIMIT_FIELDS, field) && typeof value === 'number') return limitInWords(field, value);
  if (field === 'tools' && Array.isArray(value) && value.every((t) => typeof t === 'string'))
    return value.length === 0 ? 'none' : value.map(toolName).join(', ');
  return valueText(value);
}

export interface ChangeRow {
  field: string;
  /** Null when the event recorded a value as it was (a creation, an outcome), not a change. */
  before: string | null;
  after: string;
}

/** Each changed field, labelled, with its value before (when there was one) and after. */
export function changeRows(changes: AuditEventDto['changes']): ChangeRow[] {
  return Object.entries(changes).map(([field, change]) => {
    const { from, to } = change as { from?: unknown; to?: unknown };
    if (from === '[redacted]' && to === '[redacted]') {
      return { field: fieldLabel(field), before: null, after: 'changed (not recorded)' };
    }
    return {
      field: fieldLabel(field),
      before: from === undefined ? null : fieldValueText(field, from),
      after: fieldValueText(field, to),
    };
  });
}

type Target = Pick<
  AuditEventDto,
  'targetType' | 'targetId' | 'targetLabel' | 'targetExists' | 'organizationId'
>;

/** The target by name; a record known only by id says what kind of record it was. */
export function targetText(e: Target): string {
  if (e.targetLabel) return e.targetLabel;
  if (['database', 'file', 'email'].includes(e.targetType)) return e.targetId ?? '';
  if (e.targetType === 'tenancy' || e.targetType === 'demo' || e.targetId === null)
    return auditTargetLabel(e.targetType);
  return `${auditTargetLabel(e.targetType).toLowerCase()} no longer there`;
}

const withQuery = (path: string, query: Record<string, string | null>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  return `${path}?${params.toString()}`;
};

/** Where the target is shown: its page, or its list searched for it; null once it is gone. */
export function targetHref(e: Target): string | null {
  if (e.targetType === 'tenancy') return '/tenancy';
  if (!e.targetExists || e.targetId === null) return null;
  switch (e.targetType) {
    case 'organization':
      return `/organizations/${e.targetId}`;
    case 'agent':
      return e.organizationId ? `/agents/${e.organizationId}/${e.targetId}` : null;
    case 'user':
      return withQuery('/users', { org: e.organizationId, q: e.targetLabel });
    case 'skill':
      return withQuery('/skills', { q: e.targetLabel });
    default:
      return null;
  }
}

/** The actor in the Users list; null for the command line, an anonymous caller or a deleted user. */
export function actorHref(e: Pick<AuditEventDto, 'actorLabel' | 'actorExists'>): string | null {
  return e.actorExists ? withQuery('/users', { q: e.actorLabel }) : null;
}
