import { stringify } from 'csv-stringify/sync';
import type { CsvExportResult, ParsedInput } from '../../src-shared/contract.ts';
import { MAX_PAGE_SIZE } from '../../src-shared/domain/fields.ts';
import type { Page } from '../../src-shared/dto.ts';
import { AppError } from '../../src-shared/errors.ts';
import { writeChunk } from '../files/file-target.ts';
import type { Work } from './work.ts';

/*
 * Every table of the console as CSV, with the screen's search and sort,
 * read through the same list channels (so the same access rules) a page at
 * a time and streamed to the file: a 10,000-row export holds one page in
 * memory and lets other calls run between pages.
 */

/** The largest page a list channel serves. */
export const EXPORT_PAGE_SIZE = MAX_PAGE_SIZE;

type Cell = string | number | boolean | null;

interface Exporter {
  /** The file name without date and extension. */
  name: string;
  columns: readonly string[];
  page(page: number): Promise<{ rows: Cell[][]; total: number }>;
}

function rowsOf<T>(page: Page<T>, row: (item: T) => Cell[]) {
  return { rows: page.items.map(row), total: page.total };
}

async function exporterFor(w: Work, input: ParsedInput<'csv.export'>): Promise<Exporter> {
  const paging = { pageSize: EXPORT_PAGE_SIZE };
  switch (input.table) {
    case 'organizations': {
      const { table, ...query } = input;
      return {
        name: table,
        columns: [
          'name',
          'slug',
          'schema',
          'tier',
          'billing status',
          'agents',
          'agent limit',
          'monthly token limit',
          'workflow limit',
          'created at',
        ],
        page: async (page) =>
          rowsOf(await w.invoke('organizations.list', { ...query, ...paging, page }), (o) => [
            o.name,
            o.slug,
            o.schema,
            o.tier,
            o.billingStatus,
            o.agentCount,
            o.agentLimit,
            o.monthlyTokenLimit,
            o.workflowLimit,
            o.createdAt,
          ]),
      };
    }
    case 'users': {
      const { table, ...query } = input;
      return {
        name: table,
        columns: ['email', 'name', 'role', 'organization id', 'confirmed at', 'created at'],
        page: async (page) =>
          rowsOf(await w.invoke('users.list', { ...query, ...paging, page }), (u) => [
            u.email,
            u.name,
            u.role,
            u.organizationId,
            u.confirmedAt,
            u.createdAt,
          ]),
      };
    }
    case 'agents': {
      const { table, ...query } = input;
      const organization = await w.invoke('organizations.get', { id: query.organizationId });
      return {
        name: `${table}-${organization.slug}`,
        columns: [
          'name',
          'status',
          'version',
          'description',
          'model',
          'max tokens',
          'temperature',
          'executions',
          'tokens used',
          'average latency ms',
          'created at',
          'updated at',
          'system prompt',
        ],
        page: async (page) =>
          rowsOf(await w.invoke('agents.list', { ...query, ...paging, page }), (a) => [
            a.name,
            a.status,
            a.agentVersion,
            a.description,
            a.config.model,
            a.config.max_tokens,
            a.config.temperature,
            a.totalExecutions,
            a.totalTokensUsed,
            a.avgLatencyMs,
            a.createdAt,
            a.updatedAt,
            a.systemPrompt,
          ]),
      };
    }
    case 'skills': {
      const { table, ...query } = input;
      return {
        name: table,
        columns: ['name', 'slug', 'category', 'tier required', 'tools', 'official', 'description'],
        page: async (page) =>
          rowsOf(await w.invoke('skills.list', { ...query, ...paging, page }), (s) => [
            s.name,
            s.slug,
            s.category,
            s.tierRequired,
            s.tools.join(' '),
            s.isOfficial,
            s.description,
          ]),
      };
    }
    case 'audit': {
      const { table, ...query } = input;
      return {
        name: table,
        columns: [
          'at',
          'actor',
          'action',
          'target type',
          'target id',
          'organization id',
          'changes',
        ],
        page: async (page) =>
          rowsOf(await w.invoke('audit.list', { ...query, ...paging, page }), (e) => [
            e.at,
            e.actorLabel,
            e.action,
            e.targetType,
            e.targetId,
            e.organizationId,
            JSON.stringify(e.changes),
          ]),
      };
    }
  }
}

/**
 * RFC 4180 quoting, and formula escaping: a text cell starting with = + - @
 * (or tab, CR, their full-width forms) gets a leading ' so that a
 * spreadsheet shows it instead of running it. Numbers stay numbers.
 */
export function csvLines(rows: readonly (readonly Cell[])[]): string {
  return stringify(rows as Cell[][], {
    escape_formulas: true,
    record_delimiter: 'windows',
    // with an explicit record delimiter the library stops quoting values holding a bare \n
    quote_record_delimiter: true,
    cast: { boolean: (value) => (value ? 'true' : 'false') },
  });
}

export async function exportCsv(
  w: Work,
  input: ParsedInput<'csv.export'>,
): Promise<CsvExportResult> {
  const target = w.caller.files;
  if (!target) throw new AppError('UNAVAILABLE', 'This window cannot save files');
  const exporter = await exporterFor(w, input);
  // the first page before the dialog: a refused or failing read never asks where to save
  const first = await exporter.page(1);
  let rows = 0;
  const date = new Date().toISOString().slice(0, 10);
  const file = await target.save(`${exporter.name}-${date}.csv`, async (out) => {
    // a byte-order mark, so that spreadsheets read the file as UTF-8
    await writeChunk(out, `\uFEFF${csvLines([exporter.columns])}`);
    for (let page = first, n = 1; ; page = await exporter.page(++n)) {
      await writeChunk(out, csvLines(page.rows));
      rows += page.rows.length;
      if (page.rows.length < EXPORT_PAGE_SIZE || rows >= page.total) break;
    }
  });
  return { rows: file ? rows : 0, file };
}
