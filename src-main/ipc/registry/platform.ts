import { listAudit } from '../../services/audit-log.ts';
import { isFirstRun } from '../../identity/sign-in.ts';
import { exportCsv } from '../../services/csv-export.ts';
import { loadDemoData } from '../../services/demo-data.ts';
import { backupNow, moveToServer } from '../../services/database-transfer.ts';
import { fleetOverview, recount, searchAgents } from '../../services/fleet.ts';
import {
  getSettings,
  requireSecondFactor,
  saveBackups,
  saveDatabase,
  testDatabase,
} from '../../services/settings.ts';
import { checkTenancy, repairTenancy } from '../../services/structure.ts';
import { migrateAll, tenancyStatus } from '../../services/tenancy.ts';
import { continueRollout, endRollout, rollout } from '../../services/rollouts.ts';
import { declare } from './define.ts';

/** The console itself: tenancy, the fleet at a glance, audit, settings, exports and demo data. */
export const platformChannels = declare({
  'tenancy.status': { access: 'manageTenancy', scope: 'read', run: tenancyStatus },
  'tenancy.migrateAll': {
    access: 'manageTenancy',
    scope: 'none',
    audit: 'tenancy',
    run: migrateAll,
  },
  'tenancy.recount': { access: 'manageTenancy', scope: 'none', audit: 'tenancy', run: recount },
  'tenancy.rollout': { access: 'manageTenancy', scope: 'read', run: rollout },
  'tenancy.continueRollout': {
    access: 'manageTenancy',
    scope: 'none',
    audit: 'tenancy',
    run: continueRollout,
  },
  'tenancy.stopRollout': {
    access: 'manageTenancy',
    scope: 'none',
    audit: 'tenancy',
    run: endRollout,
  },
  'tenancy.check': { access: 'manageTenancy', scope: 'none', run: checkTenancy },
  'tenancy.repair': {
    access: 'manageTenancy',
    scope: 'none',
    audit: { operation: 'tenants' },
    run: repairTenancy,
  },
  'fleet.overview': { access: 'readOrganizations', scope: 'read', run: fleetOverview },
  'fleet.searchAgents': { access: 'readAgents', scope: 'read', run: searchAgents },
  'audit.list': { access: 'readAudit', scope: 'read', run: listAudit },
  'settings.get': { access: 'manageSettings', scope: 'none', run: getSettings },
  'settings.requireSecondFactor': {
    access: 'manageSettings',
    scope: 'write',
    // a stolen administrator's session must not lower the bar for every administrator
    stepUp: (input) => !input.required,
    run: requireSecondFactor,
  },
  'settings.testDatabase': { access: 'manageSettings', scope: 'none', run: testDatabase },
  'settings.saveDatabase': {
    access: 'manageSettings',
    scope: 'none',
    audit: { operation: 'database' },
    // the console's next start reads another database: every tenant's data elsewhere
    stepUp: true,
    run: saveDatabase,
  },
  'settings.saveBackups': {
    access: 'manageSettings',
    scope: 'none',
    audit: { operation: 'file' },
    run: saveBackups,
  },
  'database.move': {
    access: 'manageSettings',
    scope: 'none',
    audit: { operation: 'database' },
    // hands every tenant's data to another server
    stepUp: true,
    run: moveToServer,
  },
  'database.backup': {
    access: 'manageSettings',
    scope: 'none',
    audit: { operation: 'file' },
    run: backupNow,
  },
  // each table is read through its own list channel, with that channel's access rules
  'csv.export': { access: 'signedIn', scope: 'none', run: exportCsv },
  'demo.load': {
    access: 'loadDemoData',
    scope: 'none',
    audit: 'demo',
    target: async (_input, em) => ({ firstRun: await isFirstRun(em) }),
    run: loadDemoData,
  },
});
