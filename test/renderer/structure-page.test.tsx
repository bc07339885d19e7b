import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StructureReport } from '../../src-shared/contract.ts';
import { StructurePage } from '../../src-renderer/features/tenancy/StructurePage.tsx';
import { answerChannels, renderSignedIn } from './render.tsx';

/*
 * Tenancy → Structure on a server where the console's role is not a
 * superuser: nobody could install the triggers that mark changed schemas,
 * so every check reads every schema, and the screen says how to end that.
 */

const REPORT: StructureReport = {
  checkedAt: '2026-12-06T09:00:00.000Z',
  elapsedMs: 2300,
  tenants: 10_000,
  drifted: [],
  orphanSchemas: [],
  catalog: {
    relations: { tenant: 120_000, total: 160_000, share: 0.75 },
    catalogBytes: 547 * 2 ** 20,
    largestCatalogTables: [],
    locks: {
      fleetNeeds: 120_000,
      capacity: 6_400,
      maxLocksPerTransaction: 64,
      maxConnections: 100,
      maxPreparedTransactions: 0,
    },
    largestTenants: [],
    advice: [],
  },
  structureTriggers: true,
};

let report: StructureReport;
beforeEach(() => {
  report = REPORT;
  answerChannels({ 'tenancy.check': () => report });
});

const renderStructure = () =>
  renderSignedIn(<StructurePage />, {
    role: 'admin',
    email: 'admin@structure.test',
    organizationId: 'a0000000-0000-4000-8000-000000000001',
  });

describe('the Structure screen', () => {
  it('gives the command that installs the structure triggers when they are missing', async () => {
    report = { ...REPORT, structureTriggers: false };
    renderStructure();

    expect(
      await screen.findByLabelText('Command that installs the structure triggers'),
    ).toHaveTextContent('npm run db:install-triggers -- URL');
    expect(screen.getByText("Every check reads every organization's structure")).toBeVisible();
  });

  it('says nothing of the triggers when they are in place', async () => {
    renderStructure();

    expect(await screen.findByText('Catalog health')).toBeVisible();
    expect(screen.queryByText("Every check reads every organization's structure")).toBeNull();
  });
});
