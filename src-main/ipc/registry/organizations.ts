import { ENDING_BILLING_STATUSES } from '../../../src-shared/domain/permissions.ts';
import {
  changeTier,
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  organizationUsage,
  renameSlug,
  setMaintenance,
  updateOrganization,
} from '../../services/organizations.ts';
import { exportOrganization, importOrganization } from '../../services/organization-transfer.ts';
import { declare } from './define.ts';

export const organizationChannels = declare({
  'organizations.list': { access: 'readOrganizations', scope: 'read', run: listOrganizations },
  'organizations.get': {
    access: 'readOrganizations',
    scope: 'read',
    load: 'organization',
    run: (w, _input, organization) => getOrganization(w, organization),
  },
  'organizations.create': {
    access: 'manageOrganizations',
    scope: 'write',
    audit: 'organization',
    run: createOrganization,
  },
  'organizations.update': {
    // suspending or canceling ends an organization's service: never one's own
    access: (input) =>
      input.billingStatus && ENDING_BILLING_STATUSES.has(input.billingStatus)
        ? 'endOrganizations'
        : 'manageOrganizations',
    scope: 'write',
    audit: 'organization',
    load: 'organization',
    run: updateOrganization,
  },
  'organizations.changeTier': {
    access: 'manageOrganizations',
    scope: 'write',
    audit: 'organization',
    load: 'organization',
    run: changeTier,
  },
  'organizations.delete': {
    access: 'endOrganizations',
    scope: 'write',
    audit: 'organization',
    load: 'organization',
    stepUp: true,
    run: deleteOrganization,
  },
  'organizations.renameSlug': {
    access: 'manageOrganizations',
    scope: 'write',
    audit: 'organization',
    load: 'organization',
    maintenance: { reason: 'being renamed', organizationIds: (input) => [input.id] },
    run: renameSlug,
  },
  'organizations.export': {
    access: 'transferOrganizations',
    scope: 'read',
    audit: { operation: 'file' },
    load: 'organization',
    // every user of the organization, password hashes included, handed to a file
    stepUp: true,
    run: exportOrganization,
  },
  'organizations.import': {
    access: 'transferOrganizations',
    scope: 'none',
    audit: { operation: 'organization' },
    // the whole organization written, restored with its ids or cloned: asked where it happens
    stepUp: (input) => input.step === 'finish',
    run: importOrganization,
  },
  'organizations.setMaintenance': {
    access: 'manageOrganizations',
    scope: 'write',
    audit: 'organization',
    load: 'organization',
    duringMaintenance: true,
    run: setMaintenance,
  },
  'organizations.usage': {
    access: 'readOrganizations',
    scope: 'tenantRead',
    run: organizationUsage,
  },
});
