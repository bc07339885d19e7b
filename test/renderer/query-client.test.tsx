import { QueryObserver } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-renderer/api/client.ts';
import { createQueryClient } from '../../src-renderer/api/query-client.ts';

const refused = () => new ApiError({ code: 'UNAUTHENTICATED', message: 'Sign in to continue' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('the page query client', () => {
  it('asks for the sign-in state once when that itself is refused, instead of without end', async () => {
    const client = createQueryClient();
    let asked = 0;
    // on screen: an observed query is what a reset refetches
    const observer = new QueryObserver(client, {
      queryKey: ['auth', 'auth.me', {}],
      queryFn: async () => {
        asked += 1;
        // a loop would never end: stop answering after 50 asks, so the count shows it
        if (asked > 50) return null;
        throw refused();
      },
      retry: false,
    });
    const unsubscribe = observer.subscribe(() => undefined);
    await settle();
    unsubscribe();
    expect(asked).toBe(1);
  });

  it('forgets every read when another call finds the session ended, so sign-in is asked again', async () => {
    const client = createQueryClient();
    client.setQueryData(['agents', 'agents.list', {}], { items: ['kept'] });
    await client
      .fetchQuery({
        queryKey: ['organizations', 'organizations.list', {}],
        queryFn: async () => Promise.reject(refused()),
        retry: false,
      })
      .catch(() => undefined);
    await settle();
    expect(client.getQueryData(['agents', 'agents.list', {}])).toBeUndefined();
  });
});
