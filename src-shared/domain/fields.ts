import { z } from 'zod';
import { TEMPERATURE_MAX, TEMPERATURE_MIN } from './agent-config.ts';
import { AGENT_EVENTS, AGENT_STATUSES } from './agent-machine.ts';
import { AUDIT_ACTION_KEYS, AUDIT_TARGET_KEYS } from './audit-vocabulary.ts';
import { BILLING_STATUSES, ROLES, SKILL_CATEGORIES } from './enums.ts';
import { PASSWORD_TOO_LONG, passwordProblem } from './password.ts';
import { slugProblem } from './slug.ts';
import { TIERS } from './tiers.ts';
import { operatorMessage } from './input-messages.ts';
import { utf8ByteLength } from './utf8.ts';

// zod's own messages ("Invalid input: expected object, received undefined") are
// for developers: every schema on both sides words its refusals for operators
z.config({ customError: operatorMessage });

/*
 * One source of validation for both sides: the contract builds its channel
 * schemas from these, services re-check with them when called directly
 * (seed, CLI), and the renderer's forms use them.
 */

/** A string PostgreSQL can store: text columns cannot hold NUL characters. */
export const text = () =>
  z
    .string()
    .refine((value) => !value.includes('\u0000'), { error: 'must not contain NUL characters' });

export const MAX_NAME = 200;
export const MAX_TEXT = 2_000;
export const MAX_PROMPT = 100_000;

export const uuidField = z.uuid({ error: 'is not a valid reference' });
export const nameField = z
  .string()
  .trim()
  .min(1, { error: 'is required' })
  .max(MAX_NAME, { error: `must be at most ${MAX_NAME} characters` });
export const slugField = z
  .string()
  .max(64, { error: 'must be at most 40 characters' })
  .superRefine((value, ctx) => {
    const problem = slugProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export const emailField = z
  .string()
  .trim()
  .max(254, { error: 'must be at most 254 characters' })
  .pipe(z.email({ error: 'must be an email address' }));
export const passwordField = z
  .string()
  .max(1_000, { error: PASSWORD_TOO_LONG })
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
export const descriptionField = z
  .string()
  .max(MAX_TEXT, { error: `must be at most ${MAX_TEXT} characters` });
/** Why an operator took a step (marking an agent failed asks for it). */
export const reasonField = text()
  .trim()
  .min(1, { error: 'is required' })
  .max(MAX_TEXT, { error: `must be at most ${MAX_TEXT} characters` });
export const promptField = z
  .string()
  .min(1, { error: 'is required' })
  .max(MAX_PROMPT, { error: `must be at most ${MAX_PROMPT} characters` });

/** How many daily backups of the embedded database are kept (settings.json `backups.keep`). */
export const DAILY_BACKUPS_KEPT = { byDefault: 7, min: 1, max: 365 } as const;
export const dailyBackupsKeptField = z
  .number()
  .int({ error: 'must be a whole number' })
  .min(DAILY_BACKUPS_KEPT.min, { error: `must be at least ${DAILY_BACKUPS_KEPT.min}` })
  .max(DAILY_BACKUPS_KEPT.max, { error: `must be at most ${DAILY_BACKUPS_KEPT.max}` });

export const tierField = z.enum(TIERS);
export const roleField = z.enum(ROLES);
export const billingStatusField = z.enum(BILLING_STATUSES);
export const skillCategoryField = z.enum(SKILL_CATEGORIES);
export const agentStatusField = z.enum(AGENT_STATUSES);
export const agentEventField = z.enum(AGENT_EVENTS);
export const versionField = z.number().int().min(1);
export const auditActionField = z.enum(AUDIT_ACTION_KEYS, {
  error: 'is not an action the audit log records',
});
export const auditTargetField = z.enum(AUDIT_TARGET_KEYS, {
  error: 'is not a kind of record the audit log names',
});
/** A moment with its offset from UTC, as a browser's Date#toISOString writes it. */
export const instantField = z.iso.datetime({
  offset: true,
  error: 'must be a date and time',
});

/** Room for an agent's own configuration keys, as stored JSON. */
export const MAX_CONFIG_BYTES = 16_384;
const MAX_CONFIG_KEYS = 50;

const knownConfig = {
  model: text().trim().min(1, { error: 'is required' }).max(100),
  max_tokens: z.number().int().min(1).max(1_000_000),
  temperature: z.number().min(TEMPERATURE_MIN).max(TEMPERATURE_MAX),
};

/** Keys beyond the known three: the spec's config is an open map, bounded in size. */
function boundedConfig<T extends Record<string, unknown>>(config: T, ctx: z.RefinementCtx): void {
  if (Object.keys(config).length > MAX_CONFIG_KEYS) {
    ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_CONFIG_KEYS} settings` });
    return;
  }
  const json = JSON.stringify(config);
  if (utf8ByteLength(json) > MAX_CONFIG_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `must be at most ${MAX_CONFIG_BYTES / 1024} KB in all`,
    });
  }
  if (json.includes('\\u0000')) {
    ctx.addIssue({ code: 'custom', message: 'must not contain NUL characters' });
  }
}

/**
 * An agent's configuration: model, max_tokens and temperature are checked;
 * any other key is kept as the JSON value it is, within a size bound.
 */
export const agentConfigField = z.object(knownConfig).catchall(z.json()).superRefine(boundedConfig);

/** The same for a create: the known keys may be left out and take their defaults. */
export const agentConfigPatchField = z
  .object(knownConfig)
  .partial()
  .catchall(z.json())
  .superRefine(boundedConfig);

export const toolField = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'may contain letters, digits, _ . : and -' });

export const MAX_PAGE_SIZE = 200;

/**
 * Paging, sorting and search of a list: `sort` is a column name, with a
 * leading "-" for descending (`-name`), so that it fits in a URL as is.
 */
export function listInput<const F extends readonly [string, ...string[]]>(sortFields: F) {
  const sorts = [...sortFields, ...sortFields.map((f) => `-${f}`)] as [string, ...string[]];
  return z.strictObject({
    page: z.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(25),
    sort: z.enum(sorts).optional(),
    search: text().trim().max(200).optional(),
  });
}

export interface ListQuery {
  page: number;
  pageSize: number;
  sort?: string | undefined;
  search?: string | undefined;
}
