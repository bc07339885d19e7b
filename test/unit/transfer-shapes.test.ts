import { describe, expect, it } from 'vitest';
import { withoutIdentity } from '../../src-main/db/transfer/append.ts';
import {
  inForeignKeyOrder,
  schemasOf,
  shapesOf,
  type Description,
  type TableShape,
} from '../../src-main/db/transfer/describe.ts';
import {
  shapeDifferences,
  type ExpectedShapes,
} from '../../src-main/db/transfer/expected-shapes.ts';
import { UnfinishedTransferError } from '../../src-main/db/transfer/marker.ts';
import { packBatches } from '../../src-main/db/transfer/snapshot-batches.ts';
import { copyInSql, copyOutSql, qualified } from '../../src-main/db/transfer/tables.ts';

/*
 * What a copy decides from a database's description once it has read it:
 * the order of schemas and tables, how the description compares with what
 * the migrations create, the batches of a snapshot, the SQL naming a table.
 * The reading itself (catalog queries) is in the integration files.
 */

const table = (name: string, columns: string[], identity: string[] = []): TableShape => ({
  name,
  columns,
  identity,
});

const names = (tables: TableShape[]) => tables.map((t) => t.name);

function description(parts: Partial<Description>): Description {
  return {
    publicMigrations: [],
    publicTables: [],
    tenantShapes: [],
    tenants: [],
    sequences: [],
    ...parts,
  };
}

describe('the schemas of a description', () => {
  it('are public, then each tenant in the order given, with the tables of its shape', () => {
    const users = table('users', ['id']);
    const agents = table('agents', ['id', 'name']);
    const older = table('agents', ['id']);
    const schemas = schemasOf(
      description({
        publicTables: [users],
        tenantShapes: [[agents], [older]],
        tenants: [
          { slug: 'zeta', level: 2, shape: 0 },
          { slug: 'acme', level: 1, shape: 1 },
        ],
      }),
    );
    expect(schemas).toEqual([
      { schema: 'public', tables: [users], tenant: null },
      { schema: 'org_zeta', tables: [agents], tenant: { slug: 'zeta', level: 2, shape: 0 } },
      { schema: 'org_acme', tables: [older], tenant: { slug: 'acme', level: 1, shape: 1 } },
    ]);
  });

  it('give a tenant of a shape the description lacks no tables', () => {
    const schemas = schemasOf(description({ tenants: [{ slug: 'acme', level: 1, shape: 3 }] }));
    expect(schemas[1]?.tables).toEqual([]);
  });
});

describe('tables in foreign-key order', () => {
  it('come by name when no key links them', () => {
    const tables = [table('c', ['id']), table('a', ['id']), table('b', ['id'])];
    expect(names(inForeignKeyOrder(tables, []))).toEqual(['a', 'b', 'c']);
  });

  it('each come after the tables they reference, however deep', () => {
    const tables = ['agents', 'audit', 'organizations', 'users'].map((n) => table(n, ['id']));
    const keys = [
      { table: 'agents', references: 'users' },
      { table: 'users', references: 'organizations' },
      { table: 'audit', references: 'agents' },
    ];
    expect(names(inForeignKeyOrder(tables, keys))).toEqual([
      'organizations',
      'users',
      'agents',
      'audit',
    ]);
  });

  it('are each placed once, however many tables reference them', () => {
    const tables = ['a', 'b', 'c'].map((n) => table(n, ['id']));
    const keys = [
      { table: 'a', references: 'c' },
      { table: 'b', references: 'c' },
    ];
    expect(names(inForeignKeyOrder(tables, keys))).toEqual(['c', 'a', 'b']);
  });

  it('take a table referencing itself (a tree) as any other', () => {
    const tables = [table('folders', ['id', 'parent']), table('a', ['id'])];
    const keys = [{ table: 'folders', references: 'folders' }];
    expect(names(inForeignKeyOrder(tables, keys))).toEqual(['a', 'folders']);
  });

  it('leave out a referenced table that is not among them', () => {
    const keys = [{ table: 'agents', references: 'elsewhere' }];
    expect(names(inForeignKeyOrder([table('agents', ['id'])], keys))).toEqual(['agents']);
  });

  it('are refused when their keys form a cycle, naming a table on it', () => {
    const tables = ['a', 'b', 'c'].map((n) => table(n, ['id']));
    const keys = [
      { table: 'a', references: 'b' },
      { table: 'b', references: 'c' },
      { table: 'c', references: 'a' },
    ];
    expect(() => inForeignKeyOrder(tables, keys)).toThrow('Foreign keys form a cycle through a');
  });
});

describe('shapes read from catalog rows', () => {
  it('group columns by schema and table, in the order read, identity columns named apart', () => {
    const column = (schema: string, tableName: string, name: string, identity = false) => ({
      schema,
      table: tableName,
      column: name,
      identity,
    });
    const shapes = shapesOf([
      column('public', 'audit', 'id', true),
      column('public', 'audit', 'at'),
      column('public', 'users', 'email'),
      column('org_acme', 'agents', 'id'),
      column('public', 'audit', 'seq', true),
    ]);
    expect(shapes).toEqual(
      new Map([
        [
          'public',
          new Map([
            ['audit', table('audit', ['id', 'at', 'seq'], ['id', 'seq'])],
            ['users', table('users', ['email'])],
          ]),
        ],
        ['org_acme', new Map([['agents', table('agents', ['id'])]])],
      ]),
    );
  });
});

describe('a description compared with what its migrations create', () => {
  const users = table('users', ['id', 'email', 'name'], ['id']);
  const agents = table('agents', ['id', 'name']);
  const expected = (tenants: [number, TableShape[]][] = []): ExpectedShapes => {
    const set = (tables: TableShape[]) =>
      new Map(
        tables.map((t) => [t.name, { columns: [...t.columns].sort(), identity: t.identity }]),
      );
    return {
      public: set([users]),
      tenants: new Map(tenants.map(([level, tables]) => [level, set(tables)])),
    };
  };

  it('finds no difference in the same tables, their columns in another order', () => {
    const reordered = table('users', ['name', 'id', 'email'], ['id']);
    expect(shapeDifferences(description({ publicTables: [reordered] }), expected())).toEqual([]);
  });

  it('names a table the migrations create that the description lacks', () => {
    expect(shapeDifferences(description({}), expected())).toEqual(['public lacks the table users']);
  });

  it('names a table too many, printed without control characters', () => {
    const extra = table('evil\u001b[2J', ['id']);
    expect(shapeDifferences(description({ publicTables: [users, extra] }), expected())).toEqual([
      'public has a table evil[2J its migrations do not create',
    ]);
  });

  it('names the columns a table has too many, printed without control characters', () => {
    const wider = table('users', ['id', 'email', 'name', 'x\u0007', 'y'], ['id']);
    expect(shapeDifferences(description({ publicTables: [wider] }), expected())).toEqual([
      'public.users has the column(s) x, y too many',
    ]);
  });

  it('names the columns too many in the order of their names', () => {
    const wider = table('users', ['id', 'email', 'name', 'zz', 'aa'], ['id']);
    expect(shapeDifferences(description({ publicTables: [wider] }), expected())).toEqual([
      'public.users has the column(s) aa, zz too many',
    ]);
  });

  it('says nothing of the numbering of a table with columns too many', () => {
    const wider = table('users', ['id', 'email', 'name', 'seq'], ['seq']);
    expect(shapeDifferences(description({ publicTables: [wider] }), expected())).toEqual([
      'public.users has the column(s) seq too many',
    ]);
  });

  it('says nothing of the numbering of a table that lacks columns', () => {
    const narrower = table('users', ['id', 'email'], []);
    expect(shapeDifferences(description({ publicTables: [narrower] }), expected())).toEqual([
      'public.users lacks the column(s) name',
    ]);
  });

  it('names the columns a table lacks', () => {
    const narrower = table('users', ['id'], ['id']);
    expect(shapeDifferences(description({ publicTables: [narrower] }), expected())).toEqual([
      'public.users lacks the column(s) email, name',
    ]);
  });

  it('names a table whose columns are the same but numbered otherwise', () => {
    const renumbered = table('users', ['id', 'email', 'name'], ['email']);
    expect(shapeDifferences(description({ publicTables: [renumbered] }), expected())).toEqual([
      'public.users numbers other columns than its migrations do',
    ]);
  });

  it('compares identity columns as sets, in any order', () => {
    const two = table('audit', ['id', 'seq'], ['seq', 'id']);
    const want: ExpectedShapes = {
      public: new Map([['audit', { columns: ['id', 'seq'], identity: ['id', 'seq'] }]]),
      tenants: new Map(),
    };
    expect(shapeDifferences(description({ publicTables: [two] }), want)).toEqual([]);
  });

  it('says a table has columns too many and lacks others, and nothing of its numbering then', () => {
    const other = table('users', ['id', 'email', 'nickname'], []);
    expect(shapeDifferences(description({ publicTables: [other] }), expected())).toEqual([
      'public.users has the column(s) nickname too many',
      'public.users lacks the column(s) name',
    ]);
  });

  it('compares each tenant with the tables of its level, naming its schema', () => {
    const found = shapeDifferences(
      description({
        publicTables: [users],
        tenantShapes: [[table('agents', ['id'])]],
        tenants: [{ slug: 'acme', level: 2, shape: 0 }],
      }),
      expected([
        [1, [table('agents', ['id'])]],
        [2, [agents]],
      ]),
    );
    expect(found).toEqual(['org_acme.agents lacks the column(s) name']);
  });

  it('compares tenants of one shape and level once, naming the first', () => {
    const found = shapeDifferences(
      description({
        publicTables: [users],
        tenantShapes: [[]],
        tenants: [
          { slug: 'acme', level: 1, shape: 0 },
          { slug: 'beta', level: 1, shape: 0 },
        ],
      }),
      expected([[1, [agents]]]),
    );
    expect(found).toEqual(['org_acme lacks the table agents']);
  });

  it('compares tenants of one shape at different levels each', () => {
    const found = shapeDifferences(
      description({
        publicTables: [users],
        tenantShapes: [[agents]],
        tenants: [
          { slug: 'acme', level: 1, shape: 0 },
          { slug: 'beta', level: 2, shape: 0 },
        ],
      }),
      expected([
        [1, [agents]],
        [2, [agents, table('keys', ['id'])]],
      ]),
    );
    expect(found).toEqual(['org_beta lacks the table keys']);
  });

  it('finds every table of a tenant too many at a level no migration reaches', () => {
    const found = shapeDifferences(
      description({
        publicTables: [users],
        tenantShapes: [[agents]],
        tenants: [{ slug: 'acme', level: 9, shape: 0 }],
      }),
      expected([[1, [agents]]]),
    );
    expect(found).toEqual(['org_acme has a table agents its migrations do not create']);
  });

  it('finds every table lacking in a tenant of a shape the description lacks', () => {
    const found = shapeDifferences(
      description({ publicTables: [users], tenants: [{ slug: 'acme', level: 1, shape: 4 }] }),
      expected([[1, [agents]]]),
    );
    expect(found).toEqual(['org_acme lacks the table agents']);
  });
});

describe('the batches of a snapshot', () => {
  const sizes = new Map([
    ['public', 30],
    ['org_a', 20],
    ['org_b', 14],
    ['org_c', 5],
    ['org_huge', 200],
  ]);

  it('hold schemas in the order given, as many as fit the budget', () => {
    expect(packBatches(['public', 'org_a', 'org_b', 'org_c'], sizes, 64)).toEqual([
      ['public', 'org_a', 'org_b'],
      ['org_c'],
    ]);
  });

  it('take a schema that fills the budget exactly', () => {
    expect(packBatches(['public', 'org_a', 'org_b'], sizes, 64)).toEqual([
      ['public', 'org_a', 'org_b'],
    ]);
  });

  it('give a schema larger than the budget a batch of its own', () => {
    expect(packBatches(['org_c', 'org_huge', 'org_b'], sizes, 64)).toEqual([
      ['org_c'],
      ['org_huge'],
      ['org_b'],
    ]);
  });

  it('begin with a schema larger than the budget, no empty batch before it', () => {
    expect(packBatches(['org_huge', 'org_c'], sizes, 64)).toEqual([['org_huge'], ['org_c']]);
  });

  it('count a schema of unknown size as one relation', () => {
    expect(packBatches(['org_new', 'org_newer', 'org_newest'], sizes, 2)).toEqual([
      ['org_new', 'org_newer'],
      ['org_newest'],
    ]);
  });

  it('are none for no schema', () => {
    expect(packBatches([], sizes, 64)).toEqual([]);
  });
});

describe('the SQL naming a table', () => {
  const odd = table('we"ird', ['id', 'a "b"']);

  it('quotes the schema and the table', () => {
    expect(qualified('org_acme', odd)).toBe('"org_acme"."we""ird"');
  });

  it('copies out the columns in their order', () => {
    expect(copyOutSql('public', odd)).toBe('copy "public"."we""ird" ("id", "a ""b""") to stdout');
  });

  it('copies in the columns in their order', () => {
    expect(copyInSql('public', odd)).toBe('copy "public"."we""ird" ("id", "a ""b""") from stdin');
  });
});

describe('tables appended to a database that has rows of its own', () => {
  it('are compared without their identity columns, which the copy renumbers', () => {
    const audit = table('audit', ['id', 'at', 'seq', 'what'], ['id', 'seq']);
    expect(withoutIdentity([audit, table('users', ['email'])])).toEqual([
      table('audit', ['at', 'what']),
      table('users', ['email']),
    ]);
  });
});

describe('a database with an unfinished copy', () => {
  it('is refused naming its source and the ways to resume or roll back', () => {
    const error = new UnfinishedTransferError('postgres://db.example/fleet');
    expect(error.message).toBe(
      'This database holds an unfinished copy from postgres://db.example/fleet. Continue it with ' +
        '`npm run db:move -- --to <this database> --resume` (or db:restore … --resume), ' +
        'or remove it with --rollback.',
    );
    expect(error.name).toBe('UnfinishedTransferError');
  });
});
