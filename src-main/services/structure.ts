import type {
  ParsedInput,
  StructureRepairResult,
  StructureReport,
} from '../../src-shared/contract.ts';
import { checkStructure, repairStructure } from '../db/structure/operations.ts';
import { created } from './audit.ts';
import type { Work } from './work.ts';

/** Tenancy → Structure: every tenant schema against its level's structure, and the catalog. */
export function checkTenancy(w: Work): Promise<StructureReport> {
  return checkStructure(w.runtime.root);
}

/**
 * The safe part of the drift of the organizations asked for, applied tenant
 * by tenant; what was run, in which tenants, and what failed is audited.
 */
export async function repairTenancy(
  w: Work,
  input: ParsedInput<'tenancy.repair'>,
): Promise<StructureRepairResult> {
  const result = await repairStructure(w.runtime.root, input.organizationIds);
  w.audit({
    targetId: null,
    organizationId: null,
    changes: created({
      asked: input.organizationIds.length,
      repaired: result.repaired.map((tenant) => ({
        slug: tenant.slug,
        statements: tenant.statements,
      })),
      failed: result.failed.map((tenant) => ({ slug: tenant.slug, message: tenant.message })),
    }),
  });
  return result;
}
