import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asSystem, input } from '../support/services.ts';

let db: TestDatabase;
let organizationId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  organizationId = (
    await asSystem(db)('organizations.create', { name: 'Users Inc', slug: 'users-inc' })
  ).id;
});
afterAll(() => db.drop());

const newUser = (
  email: string,
  extra: Partial<{ role: 'user' | 'admin' | 'developer'; password: string }> = {},
) =>
  asSystem(db)('users.create', {
    organizationId,
    email,
    name: 'Someone',
    password: 'correct horse',
    ...extra,
  });

describe('users', () => {
  it('creates a user without a name, and clears a name again, as the spec allows', async () => {
    const nameless = await asSystem(db)('users.create', {
      organizationId,
      email: 'nameless@example.com',
      password: 'correct horse',
    });
    expect(nameless.name).toBeNull();
    const named = await asSystem(db)('users.update', { id: nameless.id, name: 'Now Named' });
    expect(named.name).toBe('Now Named');
    expect((await asSystem(db)('users.update', { id: nameless.id, name: null })).name).toBeNull();
  });

  it('stores a bcrypt hash of cost 12, never the password', async () => {
    const user = await newUser('hash@example.com');
    const [row] = await db.sql<{ hashed_password: string }>(
      'select hashed_password from users where id = $1',
      [user.id],
    );
    expect(row?.hashed_password).toMatch(/^\$2[aby]\$12\$/);
    expect(user).not.toHaveProperty('hashedPassword');
  });

  it('accepts the role at create (the spec seed passes it)', async () => {
    expect((await newUser('dev@example.com', { role: 'developer' })).role).toBe('developer');
  });

  it('defaults the role to user and leaves the account unconfirmed', async () => {
    const user = await newUser('plain@example.com');
    expect(user.role).toBe('user');
    expect(user.confirmedAt).toBeNull();
  });

  it('confirms a user', async () => {
    const user = await newUser('confirm@example.com');
    const confirmed = await asSystem(db)('users.confirm', { id: user.id });
    expect(confirmed.confirmedAt).not.toBeNull();
  });

  it('treats emails that differ only in case as the same (CONFLICT on email)', async () => {
    await newUser('Case@Example.com');
    await expect(newUser('case@example.COM')).rejects.toMatchObject({
      code: 'CONFLICT',
      fields: { email: 'is already taken' },
    });
  });

  it('rejects passwords under 8 bytes', () => {
    expect(() =>
      input('users.create', { organizationId, email: 'a@b.co', name: 'n', password: 'short' }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        fields: { password: expect.stringMatching(/at least 8/) },
      }),
    );
  });

  it('rejects passwords over 72 bytes instead of truncating them', () => {
    expect(() =>
      input('users.create', {
        organizationId,
        email: 'a@b.co',
        name: 'n',
        password: 'ü'.repeat(37),
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        fields: { password: expect.stringMatching(/at most 72 characters/) },
      }),
    );
  });
});
