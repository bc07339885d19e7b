import { Badge } from '@mantine/core';
import type { AgentStatus } from '../../src-shared/domain/agent-machine.ts';
import { roleName, type BillingStatus, type Role } from '../../src-shared/domain/enums.ts';
import { tierName, type Tier } from '../../src-shared/domain/tiers.ts';

const TIER_COLOR: Record<Tier, string> = { free: 'gray', pro: 'indigo', enterprise: 'grape' };
const BILLING_COLOR: Record<BillingStatus, string> = {
  active: 'teal',
  trial: 'blue',
  suspended: 'orange',
  canceled: 'red',
};
const STATUS_COLOR: Record<AgentStatus, string> = {
  draft: 'gray',
  // yellow text on a yellow tint cannot reach 4.5:1
  deploying: 'cyan',
  active: 'teal',
  paused: 'blue',
  error: 'red',
};
const ROLE_COLOR: Record<Role, string> = { admin: 'grape', developer: 'indigo', user: 'gray' };

export const TierBadge = ({ tier }: { tier: Tier }) => (
  <Badge color={TIER_COLOR[tier]} variant="light">
    {tierName(tier)}
  </Badge>
);
export const BillingBadge = ({ status }: { status: BillingStatus }) => (
  <Badge color={BILLING_COLOR[status]} variant="dot">
    {status}
  </Badge>
);
export const StatusBadge = ({ status }: { status: AgentStatus }) => (
  <Badge color={STATUS_COLOR[status]} variant="light">
    {status}
  </Badge>
);
export const RoleBadge = ({ role }: { role: Role }) => (
  <Badge color={ROLE_COLOR[role]} variant="outline">
    {roleName(role)}
  </Badge>
);
