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

export interface Screen {
  path: string;
  label: string;
  icon: Icon;
  /** Hidden from roles without it (the server refuses them anyway). */
  needs?: Capability;
}

export const SCREENS: Screen[] = [
  { path: '/fleet', label: 'Fleet', icon: IconChartDonut },
  { path: '/organizations', label: 'Organizations', icon: IconBuilding },
  { path: '/users', label: 'Users', icon: IconUsers },
  { path: '/agents', label: 'Agents', icon: IconRobot },
  { path: '/skills', label: 'Skills', icon: IconSparkles },
  { path: '/tenancy', label: 'Tenancy', icon: IconDatabase, needs: 'manageTenancy' },
  { path: '/audit', label: 'Audit log', icon: IconHistory, needs: 'readAudit' },
  { path: '/settings', label: 'Settings', icon: IconSettings, needs: 'manageSettings' },
];
