import {
  IconBuilding,
  IconChartDonut,
  IconDatabase,
  IconHistory,
  IconRobot,
  IconSettings,
  IconSparkles,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import type { Capability } from '../../src-shared/domain/permissions.ts';

/*
 * Every screen with the capability of the access table it needs: the
 * navigation lists only those the signed-in role may use, and a URL typed
 * or linked to another answers "not available to your role" (the server
 * refuses the calls anyway). Detail pages live under their list's path and
 * need what it needs.
 */

export interface Screen {
  path: string;
  label: string;
  icon: Icon;
  needs: Capability;
}

export const SCREENS: readonly Screen[] = [
  { path: '/fleet', label: 'Fleet', icon: IconChartDonut, needs: 'readOrganizations' },
  {
    path: '/organizations',
    label: 'Organizations',
    icon: IconBuilding,
    needs: 'readOrganizations',
  },
  { path: '/users', label: 'Users', icon: IconUsers, needs: 'readUsers' },
  { path: '/agents', label: 'Agents', icon: IconRobot, needs: 'readAgents' },
  { path: '/skills', label: 'Skills', icon: IconSparkles, needs: 'readSkills' },
  { path: '/tenancy', label: 'Tenancy', icon: IconDatabase, needs: 'manageTenancy' },
  { path: '/audit', label: 'Audit log', icon: IconHistory, needs: 'readAudit' },
  { path: '/settings', label: 'Settings', icon: IconSettings, needs: 'manageSettings' },
];

/** The screen a path belongs to: its own, or the list a detail page sits under. */
export function screenOf(pathname: string): Screen | undefined {
  return SCREENS.find((s) => pathname === s.path || pathname.startsWith(`${s.path}/`));
}

/** The screens a role may use, in navigation order. */
export function screensFor(can: (capability: Capability) => boolean): Screen[] {
  return SCREENS.filter((s) => can(s.needs));
}
