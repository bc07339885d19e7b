import { describe, expect, it } from 'vitest';
import { HeardCache } from '../../src-main/identity/heard-cache.ts';
import { SignedInCache } from '../../src-main/identity/signed-in-cache.ts';
import type { SignedIn } from '../../src-main/identity/signed-in.ts';

const ada = (name: string): SignedIn => ({
  user: {
    id: 'u1',
    email: 'ada@example.test',
    name,
    role: 'admin',
    organizationId: 'o1',
    organizationName: 'Org',
    mustChangePassword: false,
    secondFactor: false,
    mustEnrollSecondFactor: false,
  },
  actor: { kind: 'user', id: 'u1', email: 'ada@example.test', role: 'admin', organizationId: 'o1' },
});

/** A loader that counts its reads and answers with the name it is given next. */
function database(name = 'Ada') {
  const db = { reads: 0, name, load: async () => (db.reads++, ada(db.name)) };
  return db;
}

describe('who is signed in, kept between calls', () => {
  it('reads on every call while changes are not heard', async () => {
    const cache = new SignedInCache();
    const db = database();
    await cache.read('u1', db.load);
    await cache.read('u1', db.load);
    expect(db.reads).toBe(2);
  });

  it('reads once while changes are heard', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const db = database();
    await cache.read('u1', db.load);
    expect((await cache.read('u1', db.load))?.user.name).toBe('Ada');
    expect(db.reads).toBe(1);
  });

  it('reads again after a change is heard', async () => {
    const cache = new SignedInCache();
    cache.listening.onHearing(true);
    const db = database();
    await cache.read('u1', db.load);
    db.name = 'Ada L.';
    cache.listening.onIdentityChange();
    expect((await cache.read('u1', db.load))?.user.name).toBe('Ada L.');
  });

  it('reads again once changes are no longer heard', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const db = database();
    await cache.read('u1', db.load);
    cache.hearing(false);
    db.name = 'Changed unheard';
    expect((await cache.read('u1', db.load))?.user.name).toBe('Changed unheard');
  });

  it('forgets what it kept before changes were lost, when they are heard again', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const db = database();
    await cache.read('u1', db.load);
    cache.hearing(false);
    db.name = 'Changed while deaf';
    cache.hearing(true);
    expect((await cache.read('u1', db.load))?.user.name).toBe('Changed while deaf');
  });

  it('does not keep a read that a change overtook', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const db = database();
    const racing = cache.read('u1', async () => {
      const stale = await db.load();
      db.name = 'Changed during the read';
      cache.forget();
      return stale;
    });
    expect((await racing)?.user.name).toBe('Ada');
    expect((await cache.read('u1', db.load))?.user.name).toBe('Changed during the read');
  });

  it('keeps no answer that the user may not call', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    let reads = 0;
    const gone = async () => (reads++, null);
    await cache.read('u1', gone);
    await cache.read('u1', gone);
    expect(reads).toBe(2);
  });

  it('hands out what it keeps frozen, so no call can change it for the next', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const kept = await cache.read('u1', database().load);
    expect(Object.isFrozen(kept?.user)).toBe(true);
    expect(Object.isFrozen(kept?.actor)).toBe(true);
  });

  it('says when changes are heard', async () => {
    const cache = new SignedInCache();
    let heard = false;
    const waiting = cache.heard().then(() => (heard = true));
    await Promise.resolve();
    expect(heard).toBe(false);
    cache.hearing(true);
    await waiting;
    expect(heard).toBe(true);
  });
});

describe('the organizations tenant calls are about, kept between calls', () => {
  const row = { id: 'o1', slug: 'org', name: 'Org' };
  /** A loader that counts its reads. */
  function organizations() {
    const db = { reads: 0, load: async () => (db.reads++, { ...row }) };
    return db;
  }

  it('reads an organization once while changes are heard', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const db = organizations();
    await cache.organization('o1', db.load);
    expect(await cache.organization('o1', db.load)).toEqual(row);
    expect(db.reads).toBe(1);
  });

  it('reads organizations again after an organization change, and keeps the users', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const db = organizations();
    const users = database();
    await cache.organization('o1', db.load);
    await cache.read('u1', users.load);
    cache.listening.onOrganizationChange();
    await cache.organization('o1', db.load);
    await cache.read('u1', users.load);
    expect(db.reads).toBe(2);
    expect(users.reads).toBe(1);
  });

  it('reads organizations again after an identity change (an organization may be gone)', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    const db = organizations();
    await cache.organization('o1', db.load);
    cache.listening.onIdentityChange();
    await cache.organization('o1', db.load);
    expect(db.reads).toBe(2);
  });

  it('hands out the kept row frozen', async () => {
    const cache = new SignedInCache();
    cache.hearing(true);
    expect(Object.isFrozen(await cache.organization('o1', organizations().load))).toBe(true);
  });
});

describe('a cache kept while changes are heard', () => {
  it('keeps at most its limit, the oldest going first', async () => {
    const cache = new HeardCache<{ key: string }>({ freeze: (row) => row, limit: 2 });
    cache.hearing(true);
    let reads = 0;
    const load = (key: string) => async () => (reads++, { key });
    for (const key of ['a', 'b', 'c']) await cache.read(key, load(key));
    await cache.read('c', load('c'));
    await cache.read('b', load('b'));
    expect(reads).toBe(3);
    await cache.read('a', load('a'));
    expect(reads).toBe(4);
  });
});
