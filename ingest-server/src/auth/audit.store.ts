import { maskFreeText, shanghaiDateTime, shanghaiIso } from '@tongban/shared';
import type { Logger } from 'pino';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';

/** SPEC.md: what the audit records. */
export const AUDIT_ACTIONS = [
  'sign_in',
  'sign_out',
  'case_read',
  'applicant_read',
  'supervision_issued',
  'supervision_resolved',
  'rating_followup',
  'report_download',
  'export_download',
  'user_created',
  'user_changed',
  'catalogue_changed',
  'calendar_changed',
  'metric_config_changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  at: string;
  actor: string;
  role: string;
  action: AuditAction;
  target: string;
  outcome: 'success' | 'failure' | 'denied';
  ip: string;
}

export interface AuditQuery {
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  limit: number;
}

/**
 * The append-only audit log. Records are written as they happen (a handful a minute, so one insert each is
 * fine); a failed write is logged, never fails the user's action. Targets are masked: the audit holds no
 * personal data.
 */
export class AuditLog {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async record(r: Omit<AuditRecord, 'at'>): Promise<void> {
    const row = { at: shanghaiDateTime(this.now()), actor: r.actor, role: r.role, action: r.action, target: maskFreeText(r.target), outcome: r.outcome, ip: r.ip };
    try {
      await this.ch.insert({ table: `${this.db}.audit_log`, format: 'JSONEachRow', values: [row], clickhouse_settings: { async_insert: 0 } });
    } catch (err) {
      this.logger.error({ err, action: r.action, actor: r.actor }, 'audit record not written');
    }
  }

  async query(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit };
    const filter = (sql: string, name: string, value: unknown) => {
      where.push(sql);
      params[name] = value;
    };
    if (q.from !== undefined) filter('at >= fromUnixTimestamp64Milli({from:Int64})', 'from', q.from);
    if (q.to !== undefined) filter('at < fromUnixTimestamp64Milli({to:Int64})', 'to', q.to);
    if (q.actor) filter('actor = {actor:String}', 'actor', q.actor);
    if (q.action) filter('action = {action:String}', 'action', q.action);
    const rs = await this.ch.query({
      query: `SELECT toUnixTimestamp64Milli(at) AS ms, actor, role, action, target, outcome, ip FROM ${this.db}.audit_log
              ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC LIMIT {limit:UInt32}`,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return (await rs.json<Omit<AuditRecord, 'at'> & { ms: number }>()).map(({ ms, ...r }) => ({ at: shanghaiIso(Number(ms)), ...r }));
  }
}
