import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import {
  contract,
  type Channel,
  type ChannelInput,
  type ParsedInput,
} from '../src-shared/contract.ts';
import { Agent, Organization, Skill, User } from '../src-main/db/entities/index.ts';
import { tenantEm } from '../src-main/db/tenancy.ts';
import { createAgent } from '../src-main/services/agents.ts';
import { SYSTEM_ACTOR, type ServiceContext } from '../src-main/services/context.ts';
import { createOrganization } from '../src-main/services/organizations.ts';
import type { PasswordHasher } from '../src-main/services/password-hasher.ts';
import { createSkill } from '../src-main/services/skills.ts';
import { insertUser } from '../src-main/services/users.ts';
import { parseOrThrow } from '../src-main/services/validation.ts';
import { DEMO_ADMIN, DEMO_AGENT, DEMO_ORGANIZATION, DEMO_SKILLS } from './demo-data.ts';

export interface SeedReport {
  created: string[];
  present: string[];
}

const input = <C extends Channel>(channel: C, raw: ChannelInput<C>): ParsedInput<C> =>
  parseOrThrow(contract[channel].input, raw) as ParsedInput<C>;

/**
 * Loads the spec's demo data through the same services the console uses,
 * as the system actor. Idempotent: what exists is reported, never changed.
 */
export class DemoSeeder extends Seeder {
  readonly report: SeedReport = { created: [], present: [] };
  readonly #passwords: PasswordHasher;

  constructor(passwords: PasswordHasher) {
    super();
    this.#passwords = passwords;
  }

  async run(em: EntityManager): Promise<void> {
    const ctx: ServiceContext = { em, actor: SYSTEM_ACTOR, passwords: this.#passwords };
    const { created, present } = this.report;

    let organization = await em.fork().findOne(Organization, { slug: DEMO_ORGANIZATION.slug });
    if (organization) {
      present.push(`organization ${organization.name} (org_${organization.slug})`);
    } else {
      const dto = await createOrganization(ctx, input('organizations.create', DEMO_ORGANIZATION));
      organization = await em.fork().findOneOrFail(Organization, dto.id);
      created.push(`organization ${dto.name} (${dto.schema})`);
    }

    if (await em.fork().findOne(User, { email: DEMO_ADMIN.email })) {
      present.push(`admin user ${DEMO_ADMIN.email}`);
    } else {
      const data = input('users.create', { ...DEMO_ADMIN, organizationId: organization.id });
      await em.fork().transactional((tx) => insertUser(ctx, tx, { ...data, confirmed: true }));
      created.push(`admin user ${DEMO_ADMIN.email}`);
    }

    for (const skill of DEMO_SKILLS) {
      if (await em.fork().findOne(Skill, { slug: skill.slug })) {
        present.push(`skill ${skill.name}`);
        continue;
      }
      await createSkill(ctx, input('skills.create', { ...skill, tools: [...skill.tools] }));
      created.push(`skill ${skill.name}`);
    }

    if (await tenantEm(em, organization.slug).findOne(Agent, { name: DEMO_AGENT.name })) {
      present.push(`agent ${DEMO_AGENT.name}`);
    } else {
      await createAgent(
        ctx,
        input('agents.create', {
          ...DEMO_AGENT,
          config: { ...DEMO_AGENT.config },
          organizationId: organization.id,
        }),
      );
      created.push(`agent ${DEMO_AGENT.name} in org_${organization.slug}`);
    }
  }
}
