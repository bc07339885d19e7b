import type { EntityManager } from '@mikro-orm/postgresql';
import type { DemoDataResult } from '../../src-shared/contract.ts';
import { DEMO_ADMIN, DEMO_AGENT, DEMO_ORGANIZATION, DEMO_SKILLS } from '../../seeds/demo-data.ts';
import { Agent, Organization, Skill, User } from '../db/entities/index.ts';
import { tenantEm } from '../db/tenancy.ts';
import type { Invoke, Work } from './work.ts';

export interface SeedReport {
  created: string[];
  present: string[];
}

/**
 * The spec's demo data, loaded through the channels themselves as the
 * system (validated, audited, provisioned like an operator's own), and
 * idempotent: what exists is reported, never changed. The one seeding
 * service behind `npm run seed`, `FleetPrompt --seed` and "Load demo data".
 * The demo administrator's published password must be changed at first
 * sign-in.
 */
export async function seedDemoData(em: EntityManager, system: Invoke): Promise<SeedReport> {
  const report: SeedReport = { created: [], present: [] };
  const { created, present } = report;

  let organization = await em.fork().findOne(Organization, { slug: DEMO_ORGANIZATION.slug });
  if (organization) {
    present.push(`organization ${organization.name} (org_${organization.slug})`);
  } else {
    const dto = await system('organizations.create', DEMO_ORGANIZATION);
    organization = await em.fork().findOneOrFail(Organization, dto.id);
    created.push(`organization ${dto.name} (${dto.schema})`);
  }

  if (await em.fork().findOne(User, { email: DEMO_ADMIN.email })) {
    present.push(`admin user ${DEMO_ADMIN.email}`);
  } else {
    const user = await system('users.create', {
      ...DEMO_ADMIN,
      organizationId: organization.id,
    });
    await system('users.confirm', { id: user.id });
    created.push(`admin user ${DEMO_ADMIN.email}`);
  }

  for (const skill of DEMO_SKILLS) {
    if (await em.fork().findOne(Skill, { slug: skill.slug })) {
      present.push(`skill ${skill.name}`);
      continue;
    }
    await system('skills.create', { ...skill, tools: [...skill.tools] });
    created.push(`skill ${skill.name}`);
  }

  if (await tenantEm(em, organization.slug).findOne(Agent, { name: DEMO_AGENT.name })) {
    present.push(`agent ${DEMO_AGENT.name}`);
  } else {
    await system('agents.create', {
      ...DEMO_AGENT,
      config: { ...DEMO_AGENT.config },
      organizationId: organization.id,
    });
    created.push(`agent ${DEMO_AGENT.name} in org_${organization.slug}`);
  }
  return report;
}

/**
 * "Load demo data": administrators, and anyone before the first account
 * exists (the first-run screen offers it instead of creating one). Loads in
 * one process run one after another, so two clicks do not race.
 */
export async function loadDemoData(w: Work): Promise<DemoDataResult> {
  return w.runtime.serially('demo-data', async () => {
    const report = await seedDemoData(w.runtime.root, w.runtime.system);
    w.audit({
      targetId: null,
      organizationId: null,
      changes: { created: { from: null, to: report.created } },
    });
    return {
      created: report.created,
      present: report.present,
      signInAs: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
    };
  });
}
