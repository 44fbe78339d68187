/**
 * The schema described once, rendered for one of two layouts (SPEC.md "Several machines"):
 *
 * - `single`: one ClickHouse (embedded chDB or a server), plain MergeTree-family engines. The rendered DDL
 *   is exactly what the migrations ran before they were described this way (single-node-schema.golden.json),
 *   so existing data directories stay valid.
 * - `cluster`: `ON CLUSTER <name>` DDL, `Replicated*MergeTree` engines with a Keeper path per table and the
 *   `{shard}`/`{replica}` macros of each server. A table `sharded` by a key becomes `<table>_local` on every
 *   server with a `Distributed` table under the original name over it, so every query and insert keeps its
 *   table name; a `dimension` table (catalogue, people, flags, rollups…) is one replicated table on every
 *   server (one Keeper path without `{shard}`), read locally. Materialized views read and write the local
 *   tables (a view fires on the server that received the block; the target replicates).
 */

/** MergeTree-family engines the schema uses; in a cluster each becomes its `Replicated` variant. */
export type EngineKind = 'MergeTree' | 'ReplacingMergeTree' | 'SummingMergeTree' | 'AggregatingMergeTree' | 'CollapsingMergeTree' | 'VersionedCollapsingMergeTree';

/**
 * Where a table's rows live in a cluster: split over the shards by a key, split as the materialized view
 * that alone fills it writes them (on the shard of the source row: its Distributed table reads, and refuses
 * inserts), or a full copy on every server.
 */
export type Distribution = { shardBy: string } | 'by-view' | 'dimension';

/** A case's rows on one shard: its events, state, orders and clocks are joined and replaced (FINAL) there. */
export const BY_CASE: Distribution = { shardBy: 'cityHash64(case_id)' };
export const DIMENSION: Distribution = 'dimension';
export const BY_VIEW: Distribution = 'by-view';

export interface TableSpec {
  table: string;
  /** Column definitions, as between the parentheses of CREATE TABLE. */
  columns: string;
  engine: EngineKind;
  /** Engine parameters after the replication ones (ReplacingMergeTree's version column …). */
  engineArgs?: string[];
  partitionBy?: string;
  orderBy: string;
  ttl?: string;
  settings?: Record<string, string | number>;
  distribution: Distribution;
}

/** One schema change. Raw SQL is not a step: a layout cannot be derived from it. */
export type Step =
  | { kind: 'table'; spec: TableSpec }
  /** A materialized view `to` a table; `select` names its source tables through `t` (the local table in a cluster). */
  | { kind: 'view'; view: string; to: string; select: (t: (table: string) => string) => string }
  | { kind: 'addColumn'; table: string; column: string; after?: string }
  /** Write a column's DEFAULT into the parts stored before it was added (a background mutation; until it is done, read computes it). */
  | { kind: 'materializeColumn'; table: string; column: string }
  /**
   * Keep the last `blocks` insert blocks' ids so a retried insert (same insert_deduplication_token) is
   * dropped. A plain MergeTree keeps none unless told. Replicated engines keep some by default (10,000
   * blocks but only for an hour in ClickHouse 26.x): a cluster keeps at least as many, for a week, since an
   * outage the ingest log rides out can last longer than an hour before the block is sent again.
   */
  | { kind: 'insertDedupWindow'; table: string; blocks: number };

export type Layout = { kind: 'single' } | { kind: 'cluster'; cluster: string };
export const SINGLE: Layout = { kind: 'single' };

export const table = (spec: TableSpec): Step => ({ kind: 'table', spec });
export const view = (name: string, to: string, select: (t: (table: string) => string) => string): Step => ({ kind: 'view', view: name, to, select });
export const addColumn = (tableName: string, column: string, opts: { after?: string } = {}): Step => ({ kind: 'addColumn', table: tableName, column, ...opts });
export const materializeColumn = (tableName: string, column: string): Step => ({ kind: 'materializeColumn', table: tableName, column });
export const insertDedupWindow = (tableName: string, blocks: number): Step => ({ kind: 'insertDedupWindow', table: tableName, blocks });

/** Insert block ids a replicated table keeps (insertDedupWindow): at least ClickHouse 26.x's default count, for a week. */
export const REPLICATED_DEDUP_BLOCKS = 10_000;
export const REPLICATED_DEDUP_SECONDS = 7 * 24 * 3600;

/** Suffix of a sharded table's per-server part. */
export const LOCAL_SUFFIX = '_local';

/** Keeper path of a replicated table: per shard for a sharded table's local part, one for all servers for a dimension. */
export function keeperPath(db: string, spec: Pick<TableSpec, 'table' | 'distribution'>): string {
  return spec.distribution === 'dimension' ? `/clickhouse/tables/all/${db}.${spec.table}` : `/clickhouse/tables/{shard}/${db}.${spec.table}${LOCAL_SUFFIX}`;
}

/** Tables by name, to know how a later step (a column, a view) reaches each. */
export type TableIndex = Map<string, TableSpec>;

export class LayoutError extends Error {}

/** Renders steps in order; `index` learns each table as it is created (pass one index through all migrations). */
export function renderSteps(steps: readonly Step[], db: string, layout: Layout, index: TableIndex): string[] {
  const out: string[] = [];
  for (const step of steps) {
    if (step.kind === 'table') index.set(step.spec.table, step.spec);
    out.push(...renderStep(step, db, layout, index));
  }
  return out;
}

function renderStep(step: Step, db: string, layout: Layout, index: TableIndex): string[] {
  const known = (name: string): TableSpec => {
    const spec = index.get(name);
    if (!spec) throw new LayoutError(`table ${name} is not described by any earlier migration step (a raw-SQL table?): its cluster layout is unknown`);
    return spec;
  };
  if (layout.kind === 'single') {
    switch (step.kind) {
      case 'table':
        return [createTable(`${db}.${step.spec.table}`, '', step.spec, engineOf(step.spec))];
      case 'view':
        return [`CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${step.view} TO ${db}.${step.to} AS\n        ${step.select((t) => `${db}.${t}`)}`];
      case 'addColumn':
        return [`ALTER TABLE ${db}.${step.table} ADD COLUMN IF NOT EXISTS ${step.column}${step.after ? ` AFTER ${step.after}` : ''}`];
      case 'materializeColumn':
        return [`ALTER TABLE ${db}.${step.table} MATERIALIZE COLUMN ${step.column}`];
      case 'insertDedupWindow':
        return [`ALTER TABLE ${db}.${step.table} MODIFY SETTING non_replicated_deduplication_window = ${step.blocks}`];
    }
  }
  const on = ` ON CLUSTER ${layout.cluster}`;
  /** The table a write (view target, ALTER of data) reaches on each server. */
  const local = (name: string) => (known(name).distribution === 'dimension' ? `${db}.${name}` : `${db}.${name}${LOCAL_SUFFIX}`);
  switch (step.kind) {
    case 'table': {
      const s = step.spec;
      const engine = `Replicated${s.engine}(${[`'${keeperPath(db, s)}'`, `'{replica}'`, ...(s.engineArgs ?? [])].join(', ')})`;
      // A non-replicated dedup window asked for at creation is the replicated one here (as insertDedupWindow).
      const { non_replicated_deduplication_window: window, ...settings } = step.spec.settings ?? {};
      if (window !== undefined) Object.assign(settings, { replicated_deduplication_window: Math.max(Number(window), REPLICATED_DEDUP_BLOCKS), replicated_deduplication_window_seconds: REPLICATED_DEDUP_SECONDS });
      const replicatedSpec: TableSpec = { ...s, ...(s.settings ? { settings } : {}) };
      if (s.distribution === 'dimension') return [createTable(`${db}.${s.table}`, on, replicatedSpec, engine)];
      return [
        createTable(`${db}.${s.table}${LOCAL_SUFFIX}`, on, replicatedSpec, engine),
        `CREATE TABLE IF NOT EXISTS ${db}.${s.table}${on} AS ${db}.${s.table}${LOCAL_SUFFIX}\n      ENGINE = Distributed(${[layout.cluster, db, `${s.table}${LOCAL_SUFFIX}`, ...(s.distribution === 'by-view' ? [] : [s.distribution.shardBy])].join(', ')})`,
      ];
    }
    case 'view':
      return [`CREATE MATERIALIZED VIEW IF NOT EXISTS ${db}.${step.view}${on} TO ${local(step.to)} AS\n        ${step.select(local)}`];
    case 'addColumn': {
      const add = (t: string) => `ALTER TABLE ${t}${on} ADD COLUMN IF NOT EXISTS ${step.column}${step.after ? ` AFTER ${step.after}` : ''}`;
      // The local part first: a Distributed table naming a column its local tables lack fails on read.
      return known(step.table).distribution === 'dimension' ? [add(`${db}.${step.table}`)] : [add(local(step.table)), add(`${db}.${step.table}`)];
    }
    case 'materializeColumn':
      return [`ALTER TABLE ${local(step.table)}${on} MATERIALIZE COLUMN ${step.column}`];
    case 'insertDedupWindow':
      return [
        `ALTER TABLE ${local(step.table)}${on} MODIFY SETTING replicated_deduplication_window = ${Math.max(step.blocks, REPLICATED_DEDUP_BLOCKS)}, replicated_deduplication_window_seconds = ${REPLICATED_DEDUP_SECONDS}`,
      ];
  }
}

const engineOf = (s: TableSpec) => (s.engineArgs?.length ? `${s.engine}(${s.engineArgs.join(', ')})` : s.engine);

function createTable(name: string, on: string, s: TableSpec, engine: string): string {
  const clauses = [
    `ENGINE = ${engine}`,
    s.partitionBy && `PARTITION BY ${s.partitionBy}`,
    `ORDER BY ${s.orderBy}`,
    s.ttl && `TTL ${s.ttl}`,
    s.settings && `SETTINGS ${Object.entries(s.settings).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`).join(', ')}`,
  ].filter(Boolean);
  return `CREATE TABLE IF NOT EXISTS ${name}${on} (${s.columns}\n      ) ${clauses.join('\n      ')}`;
}
