import { Migration } from '@mikro-orm/migrations';

export class Migration20261128000001_core extends Migration {
  override name = 'Migration20261128000001_core';

  override up(): void {
    this.addSql('create extension if not exists citext');
    this.addSql(`
      create table organizations (
        id uuid primary key default gen_random_uuid(),
        name text not null check (length(name) between 1 and 200),
        slug text not null
          check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) between 2 and 40),
        tier text not null default 'free' check (tier in ('free', 'pro', 'enterprise')),
        billing_status text not null default 'trial'
          check (billing_status in ('active', 'suspended', 'trial', 'canceled')),
        monthly_token_limit integer not null default 100000 check (monthly_token_limit >= 0),
        agent_limit integer not null default 3 check (agent_limit >= 0),
        workflow_limit integer not null default 0 check (workflow_limit >= 0),
        agent_count integer not null default 0 check (agent_count >= 0),
        tenant_schema_version integer not null default 0,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint organizations_slug_unique unique (slug)
      )`);
    this.addSql(
      'create index organizations_tenant_schema_version_idx on organizations (tenant_schema_version)',
    );
    this.addSql(`
      create table users (
        id uuid primary key default gen_random_uuid(),
        email citext not null check (length(email) between 3 and 254),
        hashed_password text not null,
        name text,
        role text not null default 'user' check (role in ('user', 'admin', 'developer')),
        confirmed_at timestamptz,
        organization_id uuid not null references organizations (id) on delete cascade,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint users_email_unique unique (email)
      )`);
    this.addSql('create index users_organization_id_idx on users (organization_id)');
    this.addSql(`
      create table skills (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        slug text not null
          check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) between 2 and 40),
        description text,
        category text
          check (category in ('research', 'coding', 'data_analysis', 'communication', 'operations')),
        tier_required text not null default 'free'
          check (tier_required in ('free', 'pro', 'enterprise')),
        system_prompt_enhancement text not null,
        tools text[] not null default '{}',
        is_official boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint skills_slug_unique unique (slug)
      )`);
  }
}
