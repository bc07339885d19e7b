import { beforeAll, describe, expect, it } from 'vitest';
import { adminHarness } from '../support/harness.ts';

const h = adminHarness('auditf', 'auditf-home');

/*
 * A small history: the administrator creates two agents in the home
 * organization and renames one; a developer of the home organization
 * deploys one; a second organization gets an agent of its own. Then the
 * events' times are spread over three days so that a range can select.
 */
let developer: { id: string; email: string };
let otherId: string;
let firstAgent: string;
let secondAgent: string;

beforeAll(async () => {
  developer = await h.user(h.homeId, 'developer', 'dev@auditf.test');
  otherId = (await h.org('auditf-other')).id;
  const create = (organizationId: string, name: string) =>
    h.ok(h.admin(), 'agents.create', { organizationId, name, systemPrompt: 'Help.' });
  const first = await create(h.homeId, 'Filter One');
  firstAgent = first.id;
  secondAgent = (await create(h.homeId, 'Filter Two')).id;
  await create(otherId, 'Elsewhere');
  await h.ok(h.admin(), 'agents.update', {
    organizationId: h.homeId,
    id: firstAgent,
    version: first.version,
    name: 'Filter One Renamed',
  });
  await h.ok(h.slotFor(developer.id), 'agents.transition', {
    organizationId: h.homeId,
    id: secondAgent,
    version: 1,
    event: 'deploy',
  });
  // each agent event on a day of its own: 1 Dec for creates, 2 Dec for the rename, 3 Dec for the deploy
  await h.db.sql(`update audit_events set at = case
      when action = 'agents.create' then timestamptz '2026-12-01 12:00Z'
      when action = 'agents.update' then timestamptz '2026-12-02 12:00Z'
      when action = 'agents.transition' then timestamptz '2026-12-03 12:00Z'
      else at end`);
});

const list = (filters: Record<string, unknown>, page = 1, pageSize = 50) =>
  h.ok(h.admin(), 'audit.list', { page, pageSize, ...filters });

describe('the audit log filtered', () => {
  it('by actor holds only what that person did', async () => {
    const log = await list({ actorId: developer.id });
    expect(log.items.map((e) => [e.actorLabel, e.action])).toEqual([
      ['dev@auditf.test', 'agents.transition'],
    ]);
    expect(log.total).toBe(1);
  });

  it('by action holds only that action, in every organization for an administrator', async () => {
    const log = await list({ action: 'agents.create' });
    expect(log.items.map((e) => e.targetLabel).sort()).toEqual([
      'Elsewhere',
      'Filter One Renamed',
      'Filter Two',
    ]);
  });

  it('by target holds the history of that one record, newest first', async () => {
    const log = await list({ targetType: 'agent', targetId: firstAgent });
    expect(log.items.map((e) => e.action)).toEqual(['agents.update', 'agents.create']);
  });

  it('by time range includes its start and excludes its end', async () => {
    const log = await list({ from: '2026-12-02T12:00:00Z', to: '2026-12-03T12:00:00Z' });
    expect(log.items.map((e) => e.action)).toEqual(['agents.update']);
  });

  it('by time range accepts moments with an offset from UTC', async () => {
    const log = await list({ from: '2026-12-03T13:00:00+01:00', to: '2026-12-03T14:00:00+01:00' });
    expect(log.items.map((e) => e.action)).toEqual(['agents.transition']);
  });

  it('combines filters, each narrowing the others', async () => {
    const log = await list({
      organizationId: h.homeId,
      action: 'agents.create',
      to: '2026-12-02T00:00:00Z',
    });
    expect(log.items.map((e) => e.targetLabel).sort()).toEqual([
      'Filter One Renamed',
      'Filter Two',
    ]);
  });

  it('pages through what it keeps, with the total of all it keeps', async () => {
    const first = await list({ action: 'agents.create' }, 1, 2);
    const second = await list({ action: 'agents.create' }, 2, 2);
    expect([first.total, second.total]).toEqual([3, 3]);
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    const ids = [...first.items, ...second.items].map((e) => e.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('keeps a developer to their own organization', async () => {
    const log = await h.ok(h.slotFor(developer.id), 'audit.list', { action: 'agents.create' });
    expect(log.items.map((e) => e.organizationId)).toEqual([h.homeId, h.homeId]);
  });
});

describe('an audit row names', () => {
  it('its target and organization as they are called now', async () => {
    const [event] = (await list({ action: 'agents.transition' })).items;
    expect(event).toMatchObject({
      targetLabel: 'Filter Two',
      targetExists: true,
      organizationName: 'Org auditf-home',
      actorExists: true,
    });
  });

  it('a deleted target by the name the event recorded, and says it is gone', async () => {
    const gone = await h.ok(h.admin(), 'agents.create', {
      organizationId: otherId,
      name: 'Soon Gone',
      systemPrompt: 'Help.',
    });
    await h.ok(h.admin(), 'agents.delete', { organizationId: otherId, id: gone.id });
    const log = await list({ targetType: 'agent', targetId: gone.id });
    expect(log.items.map((e) => [e.action, e.targetLabel, e.targetExists])).toEqual([
      ['agents.delete', 'Soon Gone', false],
      ['agents.create', 'Soon Gone', false],
    ]);
  });
});

describe('a bad audit filter is refused with VALIDATION naming the field', () => {
  const refused = async (filters: Record<string, unknown>) => {
    const result = await h.call(h.admin(), 'audit.list', { page: 1, pageSize: 10, ...filters });
    if (result.ok) throw new Error('expected a refusal');
    return result.error;
  };

  it('an action the log does not record', async () => {
    const error = await refused({ action: 'agents.explode' });
    expect(error.code).toBe('VALIDATION');
    expect(error.fields?.action).toBe('is not an action the audit log records');
  });

  it('a kind of target the log does not name', async () => {
    const error = await refused({ targetType: 'planet' });
    expect(error.code).toBe('VALIDATION');
    expect(error.fields).toHaveProperty('targetType');
  });

  it('an actor that is not a user id', async () => {
    const error = await refused({ actorId: 'admin' });
    expect(error.code).toBe('VALIDATION');
    expect(error.fields).toHaveProperty('actorId');
  });

  it('a time that is not a date and time', async () => {
    const error = await refused({ from: 'yesterday' });
    expect(error.code).toBe('VALIDATION');
    expect(error.fields?.from).toBe('must be a date and time');
  });

  it('a range whose end is not after its start', async () => {
    const error = await refused({ from: '2026-12-03T00:00:00Z', to: '2026-12-02T00:00:00Z' });
    expect(error.code).toBe('VALIDATION');
    expect(error.fields?.to).toBe('must be after the start');
    expect(error.message).toBe('The end of the time range must come after its start');
  });
});
