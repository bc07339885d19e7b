import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHANNEL_NAMES } from '../../src-shared/channels.ts';
import { createScratchDatabase } from '../support/scratch-database.ts';
import { directoryTarget } from '../../src-main/files/file-target.ts';
import { openRuntime, type Runtime } from '../../src-main/runtime.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import type { SessionSlot } from '../../src-main/ipc/session-slot.ts';

/*
 * A scenario touching every channel through the real runtime (log file
 * included); afterwards no response and no log line may contain a password,
 * a bcrypt hash or a session id.
 */

const PASSWORDS = [
  'first-admin-secret',
  'wrong-guess-secret',
  'new-user-secret',
  'reset-by-admin-secret',
  'changed-by-self-secret',
];
let db: TestDatabase;
let home: string;
let runtime: Runtime;
const responses: string[] = [];
const sessionIds: string[] = [];
const factorSecrets: string[] = [];

/** A reporting role that the schema's default privileges let read every table made after. */
const REPORTER = `fleet_reporter_${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  await db.sql(`create role ${REPORTER} nologin`);
  await db.sql(`alter default privileges in schema public grant select on tables to ${REPORTER}`);
  home = await mkdtemp(join(tmpdir(), 'fleetprompt-secrets-'));
  await chmod(home, 0o755);
  runtime = await openRuntime({ dataDir: home, env: { DATABASE_URL: db.url } });
});
afterAll(async () => {
  await runtime.close();
  await rm(home, { recursive: true, force: true });
  await db.sql(`drop owned by ${REPORTER}`);
  await db.sql(`drop role ${REPORTER}`);
  await db.drop();
});

describe('secrets never leave the main process', () => {
  it('in any response or log line of a scenario over every channel', async () => {
    const slot: SessionSlot = { files: directoryTarget(home) };
    const called = new Set<string>();
    const call = async (channel: string, input: unknown) => {
      called.add(channel);
      const result = await runtime.router.dispatch(slot, channel, input);
      // the window's session secret: public.sessions holds only its hash
      if (slot.sessionId && !sessionIds.includes(slot.sessionId)) sessionIds.push(slot.sessionId);
      responses.push(JSON.stringify(result));
      return result as { ok: boolean; data?: Record<string, never> };
    };
    const [p1, wrong, p2, p3, p4] = PASSWORDS as [string, string, string, string, string];
    await call('auth.firstRun', {});
    await call('auth.createFirstAdmin', {
      organizationName: 'Secret Co',
      slug: 'secret-co',
      email: 'root@secret.test',
      name: 'Root',
      password: p1,
    });
    await call('auth.signOut', {});
    await call('auth.signIn', { email: 'root@secret.test', password: wrong });
    await call('auth.signIn', { email: 'root@secret.test', password: p1 });
    await call('auth.me', {});
    const orgs = (await call('organizations.list', { page: 1, pageSize: 10 })).data as unknown as {
      items: { id: string; version: number }[];
    };
    const org = orgs.items[0]!;
    await call('organizations.get', { id: org.id });
    await call('organizations.usage', { organizationId: org.id });
    await call('organizations.setMaintenance', { id: org.id, on: true, reason: 'checking' });
    await call('organizations.setMaintenance', { id: org.id, on: false });
    await call('organizations.renameSlug', { id: org.id, slug: 'secret-co', version: org.version });
    await call('fleet.overview', {});
    await call('fleet.searchAgents', { query: 'a' });
    await call('tenancy.recount', {});
    await call('tenancy.rollout', {});
    await call('tenancy.continueRollout', {});
    await call('tenancy.stopRollout', {});
    await call('tenancy.check', {});
    await call('tenancy.repair', { organizationIds: [org.id] });
    const other = (
      await call('organizations.create', { name: 'Other', slug: 'other-co', tier: 'free' })
    ).data as unknown as { id: string; version: number };
    await call('organizations.update', { id: other.id, version: other.version, name: 'Other Co' });
    await call('organizations.changeTier', {
      id: other.id,
      version: other.version + 1,
      tier: 'pro',
    });
    const user = (
      await call('users.create', {
        organizationId: org.id,
        email: 'member@secret.test',
        name: 'Member',
        role: 'developer',
        password: p2,
      })
    ).data as unknown as { id: string };
    await call('users.list', { page: 1, pageSize: 10 });
    await call('users.get', { id: user.id });
    await call('users.update', { id: user.id, name: 'Member Two' });
    await call('users.confirm', { id: user.id });
    await call('users.confirmMany', { ids: [user.id] });
    await call('users.setPassword', { id: user.id, password: p3 });
    await call('auth.changePassword', { currentPassword: p1, newPassword: p4 });
    await call('auth.reauthenticate', { password: p4 });
    // the second factor's secret and recovery codes are answered once, by design, and never logged
    const enrolled = (await call('auth.enrollSecondFactor', {})).data as unknown as {
      secret: string;
    };
    factorSecrets.push(enrolled.secret);
    const code = new TOTP({ secret: Secret.fromBase32(enrolled.secret) }).generate();
    const confirmed = (await call('auth.confirmSecondFactor', { code })).data as unknown as {
      recoveryCodes: string[];
    };
    factorSecrets.push(...confirmed.recoveryCodes);
    await call('auth.verifySecondFactor', { recoveryCode: confirmed.recoveryCodes[0] });
    await call('settings.requireSecondFactor', { required: true });
    await call('settings.requireSecondFactor', { required: false });
    await call('users.resetSecondFactor', { id: user.id });
    await call('auth.disableSecondFactor', {});
    await call('sessions.list', {});
    await call('sessions.end', { id: user.id });
    await call('sessions.endOthers', {});
    await call('users.endSessions', { id: user.id });
    await call('users.unlock', { id: user.id });
    await call('auth.viewAs', { userId: user.id, reason: 'what they see' });
    await call('auth.endViewAs', {});
    const agent = (
      await call('agents.create', { organizationId: org.id, name: 'Agent', systemPrompt: 'p' })
    ).data as unknown as { id: string; version: number };
    await call('agents.list', { organizationId: org.id, page: 1, pageSize: 10 });
    await call('agents.models', { organizationId: org.id });
    await call('agents.get', { organizationId: org.id, id: agent.id });
    await call('agents.update', {
      organizationId: org.id,
      id: agent.id,
      version: agent.version,
      description: 'd',
    });
    await call('agents.transition', {
      organizationId: org.id,
      id: agent.id,
      version: agent.version + 1,
      event: 'deploy',
    });
    await call('agents.history', { organizationId: org.id, id: agent.id });
    await call('agents.transitionMany', {
      organizationId: org.id,
      ids: [agent.id],
      event: 'activate',
    });
    await call('agents.delete', { organizationId: org.id, id: agent.id });
    const skill = (
      await call('skills.create', { name: 'S', slug: 'secret-skill', systemPromptEnhancement: 'x' })
    ).data as unknown as { id: string };
    await call('skills.list', { page: 1, pageSize: 10 });
    await call('skills.get', { id: skill.id });
    await call('skills.update', { id: skill.id, description: 'd' });
    const composed = (
      await call('agents.create', { organizationId: org.id, name: 'Composed', systemPrompt: 'p' })
    ).data as unknown as { id: string };
    const link = { organizationId: org.id, agentId: composed.id, skillId: skill.id };
    await call('agents.attachSkill', link);
    await call('agents.reorderSkills', {
      organizationId: org.id,
      agentId: composed.id,
      skillIds: [skill.id],
    });
    await call('agents.effectivePrompt', { organizationId: org.id, id: composed.id });
    const document = (await call('agents.export', { organizationId: org.id, ids: [composed.id] }))
      .data;
    await call('agents.import', { organizationId: org.id, document, onConflict: 'rename' });
    await call('agents.detachSkill', link);
    await call('csv.export', { table: 'users' });
    await call('demo.load', {});
    await call('skills.delete', { id: skill.id, force: true });
    await call('tenancy.status', {});
    await call('tenancy.migrateAll', {});
    await call('audit.list', { page: 1, pageSize: 200 });
    await call('settings.get', {});
    await call('settings.testDatabase', { url: db.url.replace('postgres@', `postgres:${p1}@`) });
    await call('database.backup', {});
    const moveTarget = await createScratchDatabase(inject('serverUrl'), 'fp_secrets_move');
    try {
      const moved = await call('database.move', {
        url: moveTarget.url.replace('postgres@', `postgres:${p1}@`),
      });
      expect(moved.ok).toBe(true);
    } finally {
      await moveTarget.drop();
    }
    await call('settings.saveDatabase', { mode: 'embedded' });
    await call('settings.saveBackups', { keep: 10 });
    await call('users.delete', { id: user.id });
    const archive = (await call('organizations.export', { id: other.id })).data as unknown as {
      file: { path: string };
    };
    const upload = randomUUID();
    await call('organizations.import', {
      step: 'chunk',
      upload,
      index: 0,
      data: (await readFile(archive.file.path)).toString('base64'),
    });
    await call('organizations.import', { step: 'finish', upload, chunks: 1, as: 'other-copy' });
    await call('organizations.delete', { id: other.id, confirmSlug: 'other-co' });
    // an unexpected failure, so that the log holds a stack trace too
    await db.sql('alter table skills rename to skills_gone');
    await call('skills.list', { page: 1, pageSize: 10 });
    await db.sql('alter table skills_gone rename to skills');
    for (let i = 0; i < 5; i++)
      await call('auth.signIn', { email: 'member@secret.test', password: `${wrong}-${i}` });

    expect([...called].sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(sessionIds.length).toBeGreaterThan(0);

    const log = await readFile(join(home, 'logs', 'fleetprompt.log'), 'utf8');
    expect(log).toMatch(/internal error/);
    for (const [where, text] of [
      ['responses', responses.join('\n')],
      ['log file', log],
    ] as const) {
      for (const password of PASSWORDS)
        expect(text, `${where} contain a password`).not.toContain(password);
      expect(text, `${where} contain a bcrypt hash`).not.toMatch(/\$2[aby]?\$\d{2}\$/);
      for (const id of sessionIds) expect(text, `${where} contain a session id`).not.toContain(id);
    }
    expect(factorSecrets).toHaveLength(11);
    for (const secret of factorSecrets)
      expect(log, 'the log file contains a second factor secret').not.toContain(secret);
    // every channel once, a dozen bcrypt compares among them (sign-ins, step-up, password changes)
  }, 120_000);
});

describe('the second factors stay the owner’s', () => {
  it('against a role the default privileges grant every table: it reads users, not secrets', async () => {
    const [can] = await db.sql<Record<'users' | 'secrets' | 'recovery', boolean>>(
      `select has_table_privilege($1, 'public.users', 'select') as users,
              has_table_privilege($1, 'public.second_factors', 'select') as secrets,
              has_table_privilege($1, 'public.recovery_codes', 'select') as recovery`,
      [REPORTER],
    );
    expect(can).toEqual({ users: true, secrets: false, recovery: false });
  });
});
