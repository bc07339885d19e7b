import { randomBytes, randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { ChannelName } from '../../src-shared/channels.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';
import { inject, onTestFinished } from 'vitest';
import { PASSWORD, type Harness } from './harness.ts';
import { createScratchDatabase } from './scratch-database.ts';

/*
 * A world for channel-wide tests: organization A ("own", where the admin,
 * developer and user live) and B ("other"), each with a target user and
 * agent, one skill, and a valid input for every channel aimed at either:
 * asked for "other", an input names organization B or a record of it (or,
 * to delete one, another organization made for it). A channel that names
 * no organization has one input, and refuses to be asked for "other".
 */

export type Scope = 'own' | 'other';
export type SignedInRole = 'admin' | 'developer' | 'user';
export const SCOPES: Scope[] = ['own', 'other'];

export interface World {
  org: Record<Scope, { id: string; slug: string }>;
  userIds: Record<SignedInRole, string>;
  target: Record<Scope, { userId: string; agentId: string }>;
  skillId: string;
  /** A new admin session each time: some calls (changePassword) end the admin's other sessions. */
  admin(): SessionSlot;
  inputs: Record<ChannelName, (scope: Scope) => Promise<Input>>;
  /** Inputs whose making is slow (a scratch database, a user's password hash), for calls refused unread. */
  refusedUnread: Partial<Record<ChannelName, Input>>;
}

const unique = () => randomBytes(4).toString('hex');

type Input = Record<string, unknown>;

/** The input of a channel that names no organization: there is no other-organization call to make. */
function withoutOrganization(make: () => Promise<Input>): (scope: Scope) => Promise<Input> {
  return (scope) =>
    scope === 'own'
      ? make()
      : Promise.reject(new Error('The channel names no organization: it has no "other" input'));
}

export async function buildWorld(h: Harness, prefix: string): Promise<World> {
  const org = { own: await h.org(`${prefix}-a`), other: await h.org(`${prefix}-b`) };
  const userIds = {
    admin: (await h.user(org.own.id, 'admin', `admin@${prefix}-a.test`)).id,
    developer: (await h.user(org.own.id, 'developer', `dev@${prefix}-a.test`)).id,
    user: (await h.user(org.own.id, 'user', `user@${prefix}-a.test`)).id,
  };
  const admin = () => h.slotFor(userIds.admin);
  const target = {} as World['target'];
  for (const scope of SCOPES) {
    const other = await h.user(org[scope].id, 'user', `target-${scope}@${prefix}.test`);
    const agent = await h.ok(admin(), 'agents.create', {
      organizationId: org[scope].id,
      name: `Target ${scope}`,
      systemPrompt: 'p',
    });
    target[scope] = { userId: other.id, agentId: agent.id };
  }
  const skillId = (
    await h.ok(admin(), 'skills.create', {
      name: 'World',
      slug: `${prefix}-skill`,
      systemPromptEnhancement: 'x',
    })
  ).id;
  const freshAgent = async (scope: Scope) =>
    h.ok(admin(), 'agents.create', {
      organizationId: org[scope].id,
      name: `fresh-${unique()}`,
      systemPrompt: 'p',
    });
  const withSkill = async (scope: Scope) => {
    const agent = await freshAgent(scope);
    await h.ok(admin(), 'agents.attachSkill', {
      organizationId: org[scope].id,
      agentId: agent.id,
      skillId,
    });
    return agent;
  };
  const orgVersion = async (scope: Scope) =>
    (await h.ok(admin(), 'organizations.get', { id: org[scope].id })).version;

  const inputs: World['inputs'] = {
    'auth.signIn': withoutOrganization(async () => ({
      email: `user@${prefix}-a.test`,
      password: PASSWORD,
    })),
    'auth.signOut': withoutOrganization(async () => ({})),
    'auth.me': withoutOrganization(async () => ({})),
    'auth.firstRun': withoutOrganization(async () => ({})),
    'auth.createFirstAdmin': withoutOrganization(async () => ({
      organizationName: 'Late',
      slug: `late-${unique()}`,
      email: `late-${unique()}@x.test`,
      name: 'Late',
      password: PASSWORD,
    })),
    'auth.changePassword': withoutOrganization(async () => ({
      currentPassword: PASSWORD,
      newPassword: PASSWORD,
    })),
    'auth.reauthenticate': withoutOrganization(async () => ({ password: PASSWORD })),
    'auth.enrollSecondFactor': withoutOrganization(async () => ({})),
    // every caller has a second factor being set up, and this is its code now
    'auth.confirmSecondFactor': withoutOrganization(async () => {
      const secret = new Secret({ size: 20 }).base32;
      await h.db.sql(
        `insert into second_factors (user_id, secret) select unnest($1::uuid[]), $2
         on conflict (user_id) do update
           set secret = excluded.secret, confirmed_at = null, last_used_step = null`,
        [Object.values(userIds), secret],
      );
      return { code: new TOTP({ secret: Secret.fromBase32(secret) }).generate() };
    }),
    // a session already signed in has no code to give: the call changes nothing. The recovery
    // code's variant, as it is the one bad-input takes apart (a union's last)
    'auth.verifySecondFactor': withoutOrganization(async () => ({
      recoveryCode: 'abcd-efgh-ijkl',
    })),
    'auth.disableSecondFactor': withoutOrganization(async () => ({})),
    'auth.viewAs': async (s) => ({ userId: target[s].userId, reason: 'Ticket 42: what they see' }),
    // with no view to end, it answers at once
    'auth.endViewAs': withoutOrganization(async () => ({})),
    'sessions.list': withoutOrganization(async () => ({})),
    // a session of someone else's: nobody ends another's session this way
    'sessions.end': withoutOrganization(async () => {
      h.slotFor(target.own.userId);
      const [row] = await h.db.sql<{ id: string }>(
        'select id from sessions where user_id = $1 and ended_at is null limit 1',
        [target.own.userId],
      );
      return { id: row?.id };
    }),
    'sessions.endOthers': withoutOrganization(async () => ({})),
    'organizations.list': withoutOrganization(async () => ({ page: 1, pageSize: 10 })),
    'organizations.get': async (s) => ({ id: org[s].id }),
    'organizations.create': withoutOrganization(async () => ({
      name: 'New',
      slug: `new-${unique()}`,
      tier: 'free',
    })),
    'organizations.update': async (s) => ({
      id: org[s].id,
      version: await orgVersion(s),
      name: `Renamed ${unique()}`,
    }),
    'organizations.changeTier': async (s) => ({
      id: org[s].id,
      version: await orgVersion(s),
      tier: 'enterprise',
    }),
    'organizations.delete': async (s) => {
      if (s === 'own') return { id: org.own.id, confirmSlug: org.own.slug };
      const doomed = await h.org(`doomed-${unique()}`);
      return { id: doomed.id, confirmSlug: doomed.slug };
    },
    'organizations.usage': async (s) => ({ organizationId: org[s].id }),
    // to the slug it has: the world's organizations keep the slugs other inputs are made of
    'organizations.renameSlug': async (s) => ({
      id: org[s].id,
      slug: org[s].slug,
      version: await orgVersion(s),
    }),
    'organizations.export': async (s) => ({ id: org[s].id }),
    // the first chunk of an upload: what every import begins with, refused or taken as a whole
    'organizations.import': withoutOrganization(async () => ({
      step: 'chunk',
      upload: randomUUID(),
      index: 0,
      data: Buffer.from('FLEETPROMPT-TENANT 1').toString('base64'),
    })),
    // turned off: a tenant left in maintenance would refuse the matrix's later writes
    'organizations.setMaintenance': async (s) => ({ id: org[s].id, on: false }),
    'users.list': async (s) => ({ organizationId: org[s].id, page: 1, pageSize: 10 }),
    'users.get': async (s) => ({ id: target[s].userId }),
    'users.create': async (s) => ({
      organizationId: org[s].id,
      email: `new-${unique()}@x.test`,
      name: 'New',
      role: 'user',
      password: PASSWORD,
    }),
    'users.update': async (s) => ({ id: target[s].userId, name: `Name ${unique()}` }),
    'users.confirm': async (s) => ({ id: target[s].userId }),
    'users.confirmMany': async (s) => ({ ids: [target[s].userId] }),
    'users.unlock': async (s) => ({ id: target[s].userId }),
    'users.setPassword': async (s) => ({ id: target[s].userId, password: PASSWORD }),
    'users.delete': async (s) => ({
      id: (await h.user(org[s].id, 'user', `doomed-${unique()}@x.test`)).id,
    }),
    'users.endSessions': async (s) => ({ id: target[s].userId }),
    'users.resetSecondFactor': async (s) => ({ id: target[s].userId }),
    'agents.list': async (s) => ({ organizationId: org[s].id, page: 1, pageSize: 10 }),
    'agents.models': async (s) => ({ organizationId: org[s].id }),
    'agents.get': async (s) => ({ organizationId: org[s].id, id: target[s].agentId }),
    'agents.create': async (s) => ({
      organizationId: org[s].id,
      name: `A ${unique()}`,
      systemPrompt: 'p',
    }),
    'agents.update': async (s) => {
      const agent = await freshAgent(s);
      return {
        organizationId: org[s].id,
        id: agent.id,
        version: agent.version,
        description: 'changed',
      };
    },
    'agents.transition': async (s) => {
      const agent = await freshAgent(s);
      return { organizationId: org[s].id, id: agent.id, version: agent.version, event: 'deploy' };
    },
    'agents.transitionMany': async (s) => ({
      organizationId: org[s].id,
      ids: [(await freshAgent(s)).id],
      event: 'deploy',
    }),
    'agents.attachSkill': async (s) => ({
      organizationId: org[s].id,
      agentId: (await freshAgent(s)).id,
      skillId,
    }),
    'agents.detachSkill': async (s) => ({
      organizationId: org[s].id,
      agentId: (await withSkill(s)).id,
      skillId,
    }),
    'agents.reorderSkills': async (s) => ({
      organizationId: org[s].id,
      agentId: (await withSkill(s)).id,
      skillIds: [skillId],
    }),
    'agents.effectivePrompt': async (s) => ({ organizationId: org[s].id, id: target[s].agentId }),
    'agents.export': async (s) => ({ organizationId: org[s].id, ids: [target[s].agentId] }),
    'agents.import': async (s) => ({
      organizationId: org[s].id,
      onConflict: 'rename',
      document: {
        format: 'fleetprompt.agents',
        version: 1,
        agents: [
          {
            name: `Imported ${unique()}`,
            description: null,
            agentVersion: '1.0.0',
            systemPrompt: 'p',
            config: { model: 'm', max_tokens: 10, temperature: 0.5 },
            maxConcurrentRequests: 5,
            timeoutSeconds: 30,
            skills: [`${prefix}-skill`],
          },
        ],
      },
    }),
    'agents.history': async (s) => ({ organizationId: org[s].id, id: target[s].agentId }),
    'agents.delete': async (s) => ({ organizationId: org[s].id, id: (await freshAgent(s)).id }),
    'skills.list': withoutOrganization(async () => ({ page: 1, pageSize: 10 })),
    'skills.get': withoutOrganization(async () => ({ id: skillId })),
    'skills.create': withoutOrganization(async () => ({
      name: 'S',
      slug: `s-${unique()}`,
      systemPromptEnhancement: 'x',
    })),
    'skills.update': withoutOrganization(async () => ({
      id: skillId,
      description: `d ${unique()}`,
    })),
    'skills.delete': withoutOrganization(async () => ({
      id: (
        await h.ok(admin(), 'skills.create', {
          name: 'D',
          slug: `d-${unique()}`,
          systemPromptEnhancement: 'x',
        })
      ).id,
    })),
    'tenancy.status': withoutOrganization(async () => ({})),
    'tenancy.migrateAll': withoutOrganization(async () => ({})),
    'tenancy.recount': withoutOrganization(async () => ({})),
    'tenancy.rollout': withoutOrganization(async () => ({})),
    // with no rollout in progress, both answer at once
    'tenancy.continueRollout': withoutOrganization(async () => ({})),
    'tenancy.stopRollout': withoutOrganization(async () => ({})),
    'tenancy.check': withoutOrganization(async () => ({})),
    'tenancy.repair': withoutOrganization(async () => ({
      organizationIds: [org.own.id, org.other.id],
    })),
    'fleet.overview': withoutOrganization(async () => ({})),
    'fleet.searchAgents': withoutOrganization(async () => ({ query: 'Target' })),
    'audit.list': async (s) => ({ organizationId: org[s].id }),
    'settings.get': withoutOrganization(async () => ({})),
    // off, as it is: the other callers of the world are not asked to set a second factor up
    'settings.requireSecondFactor': withoutOrganization(async () => ({ required: false })),
    'settings.testDatabase': withoutOrganization(async () => ({ url: h.db.url })),
    'settings.saveDatabase': withoutOrganization(async () => ({ mode: 'url', url: h.db.url })),
    'settings.saveBackups': withoutOrganization(async () => ({ keep: 7 })),
    'database.move': withoutOrganization(async () => {
      const target = await createScratchDatabase(inject('serverUrl'), 'fp_matrix_move');
      onTestFinished(() => target.drop());
      return { url: target.url };
    }),
    'database.backup': withoutOrganization(async () => ({})),
    'csv.export': async (s) => ({ table: 'agents', organizationId: org[s].id, sort: '-name' }),
    'demo.load': withoutOrganization(async () => ({})),
  };
  const refusedUnread: World['refusedUnread'] = {
    'database.move': { url: 'postgres://nobody@127.0.0.1:1/never' },
    'users.delete': { id: target.own.userId },
  };
  return { org, userIds, target, skillId, admin, inputs, refusedUnread };
}
