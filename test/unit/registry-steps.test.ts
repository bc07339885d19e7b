import { describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../../src-shared/contract.ts';
import { ANONYMOUS_ACTOR, SYSTEM_ACTOR, type Actor } from '../../src-shared/domain/permissions.ts';
import { AppError } from '../../src-shared/errors.ts';
import { REAUTH_WINDOW_MS } from '../../src-main/identity/step-up.ts';
import { viewEndedMessage } from '../../src-main/identity/view-as.ts';
import { admit } from '../../src-main/ipc/registry/admission.ts';
import { AuditTrail } from '../../src-main/ipc/registry/audit-trail.ts';
import { runBulk } from '../../src-main/ipc/registry/bulk.ts';
import { REGISTRY } from '../../src-main/ipc/registry/index.ts';
import { requireVersion, targetOf } from '../../src-main/ipc/registry/records.ts';
import type { AnyRegistration, Frame } from '../../src-main/ipc/registry/registration-shape.ts';
import type { Loadable } from '../../src-main/ipc/registry/define.ts';
import type { Work } from '../../src-main/services/work.ts';

/*
 * The steps of a call that decide from what they are given, before and
 * around the database: who may call (admission), whose a loaded record is
 * and at which version, and how a bulk call answers each id. The calls
 * themselves, through the database, are in registry-records.test.ts.
 */

const NOW = 1_000_000_000;
const HOME = 'home-org';
const OTHER = 'other-org';

function user(role: 'admin' | 'developer' | 'user', id = `${role}-id`) {
  return { kind: 'user', id, email: `${id}@x.test`, role, organizationId: HOME } as const;
}

interface Situation {
  mustChangePassword?: boolean;
  mustEnrollSecondFactor?: boolean;
  pendingSecondFactor?: boolean;
  viewingAs?: Frame['caller']['viewingAs'];
  viewEnded?: string | null;
}

/** A caller whose password was last entered `ago` ms before NOW (null: not since signing in long ago). */
function frame(actor: Actor, ago: number | null = 0, situation: Situation = {}): Frame {
  const sessionUser =
    actor.kind === 'user'
      ? {
          ...actor,
          name: null,
          organizationName: 'Home',
          mustChangePassword: situation.mustChangePassword ?? false,
          mustEnrollSecondFactor: situation.mustEnrollSecondFactor ?? false,
        }
      : null;
  return {
    actor,
    caller: {
      user: sessionUser as Frame['caller']['user'],
      session: {
        id: 's',
        startedAt: 0,
        reauthenticatedAt: ago === null ? null : NOW - ago,
        pendingSecondFactor: situation.pendingSecondFactor ?? false,
      },
      viewingAs: situation.viewingAs ?? null,
      viewEnded: situation.viewEnded ?? null,
      files: undefined,
      signedIn: async () => undefined,
      renewed: async () => undefined,
      signOut: async () => undefined,
    },
  };
}

const reg = (channel: Channel) => REGISTRY[channel] as AnyRegistration;
// a registration without a `target` never reads the database before its work
const NO_DATABASE = null as unknown as EntityManager;

async function codeOf(step: () => unknown): Promise<string> {
  try {
    await step();
    return 'allowed';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

const admitted = (channel: Channel, input: object, f: Frame) =>
  admit(reg(channel), input as Record<string, unknown>, f, NO_DATABASE, NOW);

describe('admission', () => {
  it('asks a user whose password someone else set to change it first, except on the channels that allow it', async () => {
    const f = frame(user('admin'), 0, { mustChangePassword: true });
    await expect(admitted('users.list', {}, f)).rejects.toThrow(
      new AppError(
        'PASSWORD_CHANGE_REQUIRED',
        'Choose a new password first: the current one was set by someone else',
      ),
    );
    expect(await codeOf(() => admitted('auth.me', {}, f))).toBe('allowed');
  });

  it('hears only the second factor’s code from a sign-in waiting for it', async () => {
    const f = frame(user('admin'), 0, { pendingSecondFactor: true });
    await expect(admitted('users.list', {}, f)).rejects.toThrow(
      new AppError(
        'SECOND_FACTOR_REQUIRED',
        'Enter the code from your authenticator app to finish signing in',
      ),
    );
    expect(await codeOf(() => admitted('auth.enrollSecondFactor', {}, f))).toBe(
      'SECOND_FACTOR_REQUIRED',
    );
    expect(await codeOf(() => admitted('auth.verifySecondFactor', {}, f))).toBe('allowed');
  });

  it('asks an administrator who must set up two-step sign-in to do so first', async () => {
    const f = frame(user('admin'), 0, { mustEnrollSecondFactor: true });
    await expect(admitted('users.list', {}, f)).rejects.toThrow(
      new AppError(
        'SECOND_FACTOR_REQUIRED',
        'Set up two-step sign-in first: administrators must use it',
      ),
    );
    expect(await codeOf(() => admitted('auth.enrollSecondFactor', {}, f))).toBe('allowed');
    expect(await codeOf(() => admitted('auth.verifySecondFactor', {}, f))).toBe('allowed');
    expect(await codeOf(() => admitted('auth.me', {}, f))).toBe('allowed');
  });

  it('refuses every change while viewing as another user, and reads and ending the view are let through', async () => {
    const viewed = frame(user('user', 'viewed'), 0).caller.user!;
    const f = frame(user('admin'), 0, { viewingAs: { user: viewed, reason: 'support' } });
    await expect(admitted('skills.create', {}, f)).rejects.toThrow(
      new AppError(
        'READ_ONLY_VIEW',
        'You are viewing the console as viewed@x.test: nothing can be changed until you end the view',
      ),
    );
    // an operation audited whatever its outcome changes something too
    expect(await codeOf(() => admitted('database.backup', {}, f))).toBe('READ_ONLY_VIEW');
    expect(await codeOf(() => admitted('skills.list', {}, f))).toBe('allowed');
    expect(await codeOf(() => admitted('auth.endViewAs', {}, f))).toBe('allowed');
  });

  it('refuses a change from a window whose view has just ended, saying why', async () => {
    const f = frame(user('admin'), 0, { viewEnded: 'the user was deleted' });
    await expect(admitted('skills.create', {}, f)).rejects.toThrow(
      new AppError('READ_ONLY_VIEW', viewEndedMessage('the user was deleted')),
    );
    expect(await codeOf(() => admitted('skills.list', {}, f))).toBe('allowed');
  });

  it('asks an anonymous caller to sign in on a channel open to every signed-in user, and lets any user through', async () => {
    expect(await codeOf(() => admitted('sessions.list', {}, frame(ANONYMOUS_ACTOR)))).toBe(
      'UNAUTHENTICATED',
    );
    const a = await admitted('sessions.list', {}, frame(user('user')));
    expect(a.capability).toBeNull();
  });

  it('lets anyone call a public channel without deciding on a capability', async () => {
    expect((await admitted('auth.signIn', {}, frame(ANONYMOUS_ACTOR))).capability).toBeNull();
  });

  it('decides on the capability the input chooses', async () => {
    const f = frame(user('admin'));
    expect((await admitted('users.update', { id: 'u', name: 'N' }, f)).capability).toBe(
      'editProfile',
    );
    expect((await admitted('users.update', { id: 'u', role: 'user' }, f)).capability).toBe(
      'manageUsers',
    );
    expect((await admitted('users.list', {}, f)).capability).toBe('readUsers');
  });

  it('refuses a call about another organization before its work, as not found', async () => {
    const f = frame(user('developer'));
    expect(await codeOf(() => admitted('agents.list', { organizationId: OTHER }, f))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(() => admitted('agents.list', { organizationId: HOME }, f))).toBe(
      'allowed',
    );
  });

  it('refuses a role without the capability before the record it is about is read', async () => {
    expect(
      await codeOf(() => admitted('users.delete', { id: 'u' }, frame(user('developer')))),
    ).toBe('FORBIDDEN');
  });

  it('decides on a user or organization record once it says whose it is, and on no other kind', async () => {
    const a = await admitted('users.get', { id: 'u' }, frame(user('developer')));
    expect(await codeOf(() => a.admitRecord({ organizationId: OTHER, what: 'User' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(() => a.admitRecord({ organizationId: HOME, what: 'User' }))).toBe(
      'allowed',
    );
    const skill = await admitted('skills.get', { id: 's' }, frame(user('user')));
    expect(await codeOf(() => skill.admitRecord({ organizationId: OTHER }))).toBe('allowed');
  });

  it('decides with the facts a registration states', async () => {
    const demo = { ...reg('demo.load'), target: () => ({ firstRun: true }) };
    const root = { fork: () => NO_DATABASE } as unknown as EntityManager;
    const a = await admit(demo, {}, frame(ANONYMOUS_ACTOR), root, NOW);
    expect(a.capability).toBe('loadDemoData');
    const later = { ...demo, target: () => ({ firstRun: false }) };
    expect(await codeOf(() => admit(later, {}, frame(ANONYMOUS_ACTOR), root, NOW))).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('step-up at admission', () => {
  const stale = frame(user('admin'), REAUTH_WINDOW_MS + 1);
  const fresh = frame(user('admin'), REAUTH_WINDOW_MS);

  it('asks for the password again before a guarded call about no record', async () => {
    expect(await codeOf(() => admitted('database.move', { url: 'x' }, stale))).toBe(
      'REAUTH_REQUIRED',
    );
    expect(await codeOf(() => admitted('database.move', { url: 'x' }, fresh))).toBe('allowed');
  });

  it('asks for it once the record is known to be the caller’s to act on, not before', async () => {
    const a = await admitted('organizations.delete', { id: 'o' }, stale);
    expect(await codeOf(() => a.admitRecord({ organizationId: OTHER }))).toBe('REAUTH_REQUIRED');
    const b = await admitted('organizations.delete', { id: 'o' }, fresh);
    expect(await codeOf(() => b.admitRecord({ organizationId: OTHER }))).toBe('allowed');
  });

  it('keeps a refusal a refusal: no password prompt for what the caller may not do', async () => {
    const developer = frame(user('developer'), null);
    expect(await codeOf(() => admitted('organizations.delete', { id: 'o' }, developer))).toBe(
      'FORBIDDEN',
    );
  });

  it('asks only when the input says so', async () => {
    const rename = await admitted('users.update', { id: 'u', name: 'N' }, stale);
    expect(await codeOf(() => rename.admitRecord({ organizationId: HOME, userId: 'u' }))).toBe(
      'allowed',
    );
    const promote = await admitted('users.update', { id: 'u', role: 'admin' }, stale);
    expect(await codeOf(() => promote.admitRecord({ organizationId: HOME, userId: 'u' }))).toBe(
      'REAUTH_REQUIRED',
    );
  });

  it('never asks the system, which has no session', async () => {
    expect(await codeOf(() => admitted('database.move', { url: 'x' }, frame(SYSTEM_ACTOR)))).toBe(
      'allowed',
    );
  });
});

describe('a loaded record', () => {
  const organization = { id: 'o', name: 'Acme', version: 3 } as unknown as Loadable['organization'];
  const person = { id: 'u', organization: { id: 'o' }, version: 2 } as unknown as Loadable['user'];

  it('says whose it is: an organization its own, a user theirs, others nobody’s', () => {
    expect(targetOf('organization', organization)).toEqual({ organizationId: 'o' });
    expect(targetOf('user', person)).toEqual({ organizationId: 'o', userId: 'u', what: 'User' });
    expect(targetOf('skill', organization)).toEqual({});
  });

  it('is written to only at the version the caller saw, when one is given', async () => {
    expect(await codeOf(() => requireVersion('organization', organization, {}))).toBe('allowed');
    expect(await codeOf(() => requireVersion('organization', organization, { version: 3 }))).toBe(
      'allowed',
    );
    expect(() => requireVersion('organization', organization, { version: 2 })).toThrow(
      'Organization "Acme" was changed by someone else (version 3, yours 2); reload and try again',
    );
    expect(() => requireVersion('user', person, { version: 1 })).toThrow(
      'User was changed by someone else (version 2, yours 1); reload and try again',
    );
  });
});

describe('a bulk call', () => {
  const trail = () => new AuditTrail('users.confirmMany', 'user', SYSTEM_ACTOR, NO_DATABASE);

  /** Records are their ids; 'missing' is not found, 'locked' refused by its function after it noted a change. */
  async function bulk(ids: string[], audit = trail()) {
    const inScope = <T>(work: (w: Work) => Promise<T>) =>
      work({ em: NO_DATABASE, audit: audit.note } as unknown as Work);
    const recordFor = async (_em: EntityManager, id: string) => {
      if (id === 'missing') throw new AppError('NOT_FOUND', 'User not found');
      if (id === 'broken') throw new Error('connection lost');
      return { id };
    };
    const each = async (w: Work, _input: unknown, record: { id: string }) => {
      w.audit({ targetId: record.id });
      if (record.id === 'locked') throw new AppError('CONFLICT', 'Locked');
      return { seen: true };
    };
    return runBulk(
      {
        ids: (input: { ids: string[] }) => input.ids,
        label: (record: { id: string }) => `label of ${record.id}`,
        each,
        whenRefused: { seen: false },
      } as unknown as NonNullable<AnyRegistration['bulk']>,
      { ids },
      inScope,
      recordFor,
      audit,
    );
  }

  it('answers each id once, a refused one with its reason, its label when it was found, and what it did not change', async () => {
    expect(await bulk(['a', 'missing', 'a', 'locked'])).toEqual({
      done: 1,
      refused: 2,
      results: [
        { id: 'a', label: 'label of a', outcome: 'done', error: null, seen: true },
        {
          id: 'missing',
          label: null,
          outcome: 'refused',
          error: { code: 'NOT_FOUND', message: 'User not found' },
          seen: false,
        },
        {
          id: 'locked',
          label: 'label of locked',
          outcome: 'refused',
          error: { code: 'CONFLICT', message: 'Locked' },
          seen: false,
        },
      ],
    });
  });

  it('keeps nothing a refused row reported', async () => {
    const audit = trail();
    await bulk(['locked'], audit);
    expect(audit.pending).toBe(false);
  });

  it('fails as a whole on a fault, which is no row’s answer', async () => {
    await expect(bulk(['a', 'broken'])).rejects.toThrow('connection lost');
  });
});
