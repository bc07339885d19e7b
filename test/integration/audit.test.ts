import { describe, expect, it } from 'vitest';
import { adminHarness, PASSWORD } from '../support/harness.ts';

const h = adminHarness('audit', 'audit-co');

describe('audit log', () => {
  it('records a write with actor, organization, target and the changed fields', async () => {
    await h.ok(h.admin(), 'organizations.update', {
      id: h.homeId,
      version: 1,
      name: 'Audit Renamed',
    });
    const log = await h.ok(h.admin(), 'audit.list', {
      organizationId: h.homeId,
      page: 1,
      pageSize: 10,
    });
    expect(log.items[0]).toMatchObject({
      actorLabel: 'admin@audit.test',
      organizationId: h.homeId,
      action: 'organizations.update',
      targetType: 'organization',
      targetId: h.homeId,
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
    const user = await h.ok(h.admin(), 'users.create', {
      organizationId: h.homeId,
      email: 'secret@audit.test',
      name: 'Secret',
      role: 'user',
      password: 'hunter2-hunter2',
    });
    await h.ok(h.admin(), 'users.setPassword', { id: user.id, password: 'another-secret-pw' });
    const all = JSON.stringify(await h.db.sql('select * from audit_events'));
    expect(all).not.toContain('hunter2-hunter2');
    expect(all).not.toContain('another-secret-pw');
    expect(all).not.toMatch(/\$2[aby]\$/);
    expect(all).toContain('users.setPassword');
  });
});
