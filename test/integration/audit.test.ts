import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, PASSWORD, type Harness } from '../support/harness.ts';

let h: Harness;
let admin: () => ReturnType<Harness['slotFor']>;
let orgId: string;
beforeAll(async () => {
  h = await createHarness();
  orgId = (await h.org('audit-co')).id;
  const adminId = (await h.user(orgId, 'admin', 'admin@audit.test')).id;
  admin = () => h.slotFor(adminId);
});
afterAll(() => h.close());

describe('audit log', () => {
  it('records a write with actor, organization, target and the changed fields', async () => {
    await h.ok(admin(), 'organizations.update', { id: orgId, version: 1, name: 'Audit Renamed' });
    const log = await h.ok(admin(), 'audit.list', { organizationId: orgId, page: 1, pageSize: 10 });
    expect(log.items[0]).toMatchObject({
      actorLabel: 'admin@audit.test',
      organizationId: orgId,
      action: 'organizations.update',
      targetType: 'organization',
      targetId: orgId,
      changes: { name: { from: 'Org audit-co', to: 'Audit Renamed' } },
    });
  });

  it('records sign-in successes and failures', async () => {
    await h.call({}, 'auth.signIn', { email: 'admin@audit.test', password: 'not the password' });
    await h.call({}, 'auth.signIn', { email: 'admin@audit.test', password: PASSWORD });
    const rows = await h.db.sql<{ action: string }>(
      "select action from audit_events where action like 'auth.%' order by id",
    );
    expect(rows.map((r) => r.action)).toEqual(['auth.signInFailed', 'auth.signIn']);
  });

  it('never records a password or a hash', async () => {
    const user = await h.ok(admin(), 'users.create', {
      organizationId: orgId,
      email: 'secret@audit.test',
      name: 'Secret',
      role: 'user',
      password: 'hunter2-hunter2',
    });
    await h.ok(admin(), 'users.setPassword', { id: user.id, password: 'another-secret-pw' });
    const all = JSON.stringify(await h.db.sql('select * from audit_events'));
    expect(all).not.toContain('hunter2-hunter2');
    expect(all).not.toContain('another-secret-pw');
    expect(all).not.toMatch(/\$2[aby]\$/);
    expect(all).toContain('users.setPassword');
  });
});
