import { readFileSync } from 'node:fs';
import { CHANNEL_NAMES, type ChannelName } from '../../src-shared/channels.ts';
import { CAPABILITIES, type Capability } from '../../src-shared/domain/permissions.ts';
import type { Registrations } from '../../src-main/ipc/registry/define.ts';
import type { Scope } from './world.ts';

/*
 * test/policy/access-policy.md, read: the hand-written answer of every
 * channel for every caller on their own organization and another. The
 * matrix takes its expectations from here only; this reader checks the
 * page's shape (known headers, answers, entries), not its contents.
 */

export type PolicyRole = 'admin' | 'developer' | 'user';
export type Caller = PolicyRole | 'signed out';
export const POLICY_ROLES: readonly PolicyRole[] = ['admin', 'developer', 'user'];
export const CALLERS: readonly Caller[] = [...POLICY_ROLES, 'signed out'];

export const ANSWERS = ['allowed', 'FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED'] as const;
export type Answer = (typeof ANSWERS)[number];

/** What a registration may name as its access: a capability, or no check beyond signing in, or none. */
export type Declared = Capability | 'signedIn' | 'public';

export interface ChannelPolicy {
  /** The entry of DESIGN.md's table that governs the channel. */
  entry: string;
  /** Whether the channel aims at an organization (false: its "other" cells are —). */
  organization: boolean;
  answers: Record<PolicyRole, Record<Scope, Answer | null>>;
  signedOut: Answer;
  /** The answers when the caller aims at their own account, for channels about a user. */
  ownAccount?: Record<PolicyRole, Answer>;
  /** An administrator viewing as the developer: refused as a write, or answered as to the developer. */
  viewingAs: ViewingAnswer;
}

export const VIEWING_ANSWERS = ['READ_ONLY_VIEW', 'as viewed'] as const;
export type ViewingAnswer = (typeof VIEWING_ANSWERS)[number];

export interface AccessPolicy {
  /** Entry -> the access its registration must declare. */
  entries: ReadonlyMap<string, Declared>;
  /** Every row, by the channel name it gives (unknown names included: the test reports them). */
  channels: ReadonlyMap<string, ChannelPolicy>;
}

export const POLICY_FILE = new URL('../policy/access-policy.md', import.meta.url);

const ENTRY_HEADER = ['entry', 'DESIGN.md says', 'capability'];
const CHANNEL_HEADER = [
  'channel',
  'entry',
  'admin own',
  'admin other',
  'developer own',
  'developer other',
  'user own',
  'user other',
  'signed out',
  'viewing as',
];
const OWN_ACCOUNT_HEADER = ['channel', 'admin', 'developer', 'user'];
const NO_ORGANIZATION = '—';
const DECLARABLE: readonly string[] = [...CAPABILITIES, 'signedIn', 'public'];

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

function answerOf(cell: string, where: string): Answer {
  if (!(ANSWERS as readonly string[]).includes(cell)) {
    throw new Error(`${where}: "${cell}" is not one of ${ANSWERS.join(', ')}`);
  }
  return cell as Answer;
}

function viewingAnswerOf(cell: string, where: string): ViewingAnswer {
  if (!(VIEWING_ANSWERS as readonly string[]).includes(cell)) {
    throw new Error(`${where}: "${cell}" is not one of ${VIEWING_ANSWERS.join(', ')}`);
  }
  return cell as ViewingAnswer;
}

function channelRow(cells: string[], where: string): ChannelPolicy {
  const [, entry, ...rest] = cells as [string, string, ...string[]];
  const others = [rest[1], rest[3], rest[5]];
  const organization = others.some((cell) => cell !== NO_ORGANIZATION);
  if (organization && others.includes(NO_ORGANIZATION)) {
    throw new Error(`${where}: either every "other" cell is ${NO_ORGANIZATION} or none is`);
  }
  const pair = (own: string | undefined, other: string | undefined) => ({
    own: answerOf(own ?? '', where),
    other: organization ? answerOf(other ?? '', where) : null,
  });
  return {
    entry,
    organization,
    answers: {
      admin: pair(rest[0], rest[1]),
      developer: pair(rest[2], rest[3]),
      user: pair(rest[4], rest[5]),
    },
    signedOut: answerOf(rest[6] ?? '', where),
    viewingAs: viewingAnswerOf(rest[7] ?? '', where),
  };
}

export function parseAccessPolicy(text: string): AccessPolicy {
  const entries = new Map<string, Declared>();
  const channels = new Map<string, ChannelPolicy>();
  let header: string[] | null = null;
  text.split('\n').forEach((line, index) => {
    const where = `access-policy.md:${index + 1}`;
    if (!line.trim().startsWith('|')) {
      header = null;
      return;
    }
    const cells = cellsOf(line);
    if (header === null) {
      header = cells;
      const known = [ENTRY_HEADER, CHANNEL_HEADER, OWN_ACCOUNT_HEADER].some(
        (h) => h.join('|') === cells.join('|'),
      );
      if (!known) throw new Error(`${where}: a table with an unknown header`);
      return;
    }
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) return;
    if (cells.length !== header.length)
      throw new Error(`${where}: ${header.length} cells expected`);
    const name = cells[0] ?? '';
    if (header.length === ENTRY_HEADER.length) {
      const declared = cells[2] ?? '';
      if (!DECLARABLE.includes(declared)) throw new Error(`${where}: unknown "${declared}"`);
      if (entries.has(name)) throw new Error(`${where}: entry "${name}" twice`);
      entries.set(name, declared as Declared);
      return;
    }
    if (header.length === OWN_ACCOUNT_HEADER.length) {
      const row = channels.get(name);
      if (!row) throw new Error(`${where}: "${name}" needs its row in a channel table first`);
      if (row.ownAccount) throw new Error(`${where}: channel "${name}" twice`);
      const answer = (index: number) => answerOf(cells[index] ?? '', where);
      row.ownAccount = { admin: answer(1), developer: answer(2), user: answer(3) };
      return;
    }
    if (channels.has(name)) throw new Error(`${where}: channel "${name}" twice`);
    channels.set(name, channelRow(cells, where));
  });
  for (const [channel, row] of channels) {
    if (!entries.has(row.entry)) throw new Error(`${channel}: no entry "${row.entry}"`);
  }
  return { entries, channels };
}

export const readAccessPolicy = (): AccessPolicy =>
  parseAccessPolicy(readFileSync(POLICY_FILE, 'utf8'));

/** What a call aims at: the caller's organization (or a record in it), another, or the caller's own account. */
export type Aim = Scope | 'own account';

export interface MatrixCase {
  channel: ChannelName;
  caller: Caller;
  aim: Aim;
  /** What the page says; undefined when it has no row for the channel. */
  expected: Answer | undefined;
}

/**
 * Every channel of the contract x caller x what it aims at: own and other
 * organization, or own alone when the channel names none, and the
 * caller's own account where the page has a row for it. A channel the page
 * lacks still has its cases, which fail.
 */
export function matrixCases(policy: AccessPolicy): MatrixCase[] {
  return CHANNEL_NAMES.flatMap((channel) => {
    const row = policy.channels.get(channel);
    const scopes: Scope[] = row?.organization === false ? ['own'] : ['own', 'other'];
    const organizations = CALLERS.flatMap((caller) =>
      scopes.map((aim) => ({
        channel,
        caller,
        aim,
        expected: !row
          ? undefined
          : caller === 'signed out'
            ? row.signedOut
            : (row.answers[caller][aim] ?? undefined),
      })),
    );
    const ownAccount = row?.ownAccount;
    if (!ownAccount) return organizations;
    return [
      ...organizations,
      ...POLICY_ROLES.map((caller) => ({
        channel,
        caller,
        aim: 'own account' as const,
        expected: ownAccount[caller],
      })),
    ];
  });
}

export interface ViewingCase {
  channel: ChannelName;
  aim: Scope;
  /** What the page says an administrator viewing as the developer is answered. */
  expected: Answer | 'READ_ONLY_VIEW' | undefined;
}

/**
 * Every channel of the contract, called by an administrator viewing as the
 * developer: aimed at both organizations where it names one and answers as
 * to the developer; a write once, as it is refused before its target is read.
 */
export function viewingCases(policy: AccessPolicy): ViewingCase[] {
  return CHANNEL_NAMES.flatMap((channel) => {
    const row = policy.channels.get(channel);
    const scopes: Scope[] =
      row?.organization === false || row?.viewingAs === 'READ_ONLY_VIEW'
        ? ['own']
        : ['own', 'other'];
    return scopes.map((aim) => ({
      channel,
      aim,
      expected: !row
        ? undefined
        : row.viewingAs === 'READ_ONLY_VIEW'
          ? 'READ_ONLY_VIEW'
          : (row.answers.developer[aim] ?? undefined),
    }));
  });
}

/** Page rows naming no channel of the contract, and channels with no row. */
export function unmatchedChannels(policy: AccessPolicy): { unknown: string[]; missing: string[] } {
  const known = new Set<string>(CHANNEL_NAMES);
  return {
    unknown: [...policy.channels.keys()].filter((name) => !known.has(name)),
    missing: CHANNEL_NAMES.filter((name) => !policy.channels.has(name)),
  };
}

/** The access a registration declares for one input (some choose it from the input). */
export function declaredAccess(
  access: Registrations[ChannelName]['access'],
  input: unknown,
): Declared {
  return typeof access === 'function' ? (access as (parsed: unknown) => Capability)(input) : access;
}
