import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../../src-shared/domain/enums.ts';

/** Whether the user has a second factor, and whether they must set one up before anything else. */
export interface SecondFactorStanding {
  secondFactor: boolean;
  mustEnrollSecondFactor: boolean;
}

export async function secondFactorStanding(
  em: EntityManager,
  user: { id: string; role: Role },
): Promise<SecondFactorStanding> {
  const [row] = await em.execute<{ enrolled: boolean; required: boolean }[]>(
    `select exists (select 1 from public.second_factors
                     where user_id = ? and confirmed_at is not null) as enrolled,
            coalesce((select require_admin_second_factor from public.security_policy), false)
              as required`,
    [user.id],
  );
  const secondFactor = row?.enrolled === true;
  return {
    secondFactor,
    mustEnrollSecondFactor: !secondFactor && row?.required === true && user.role === 'admin',
  };
}
