import { type IsoDate, shanghaiDateTime, shanghaiIso } from '@tongban/shared';
import { QUERY_SETTINGS, type Clickhouse } from '../clickhouse/clickhouse-client.ts';

/** One recomputed deadline: a repair (calendar or item change) moved a clock's deadline. */
export interface DeadlineChange {
  caseId: string;
  at: string;
  clock: 'promised' | 'statutory';
  from: IsoDate | null;
  to: IsoDate | null;
  cause: string;
}

/** `deadline_changes`: the history of each case's deadlines as repairs moved them. */
export class DeadlineHistoryStore {
  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
  ) {}

  async write(changes: readonly DeadlineChange[]): Promise<void> {
    if (!changes.length) return;
    await this.ch.insert({
      table: `${this.db}.deadline_changes`,
      format: 'JSONEachRow',
      clickhouse_settings: QUERY_SETTINGS,
      values: changes.map((c) => ({ case_id: c.caseId, at: shanghaiDateTime(Date.parse(c.at)), clock: c.clock, old_deadline: c.from, new_deadline: c.to, cause: c.cause })),
    });
  }

  async ofCase(caseId: string): Promise<DeadlineChange[]> {
    const rs = await this.ch.query({
      query: `SELECT case_id, toUnixTimestamp64Milli(at) AS at_ms, clock, toString(old_deadline) AS old_d, toString(new_deadline) AS new_d, cause
              FROM ${this.db}.deadline_changes WHERE case_id = {caseId:String} ORDER BY at, clock`,
      query_params: { caseId },
      format: 'JSONEachRow',
      clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 },
    });
    const rows = await rs.json<{ case_id: string; at_ms: number; clock: 'promised' | 'statutory'; old_d: string | null; new_d: string | null; cause: string }>();
    return rows.map((r) => ({ caseId: r.case_id, at: shanghaiIso(Number(r.at_ms)), clock: r.clock, from: r.old_d, to: r.new_d, cause: r.cause }));
  }
}

/** The changes between a case's deadlines before and after a repair (none when neither moved). */
export function deadlineChanges(
  caseId: string,
  before: { promised: IsoDate | null; statutory: IsoDate | null },
  after: { promised: IsoDate | null; statutory: IsoDate | null },
  cause: string,
  at: string,
): DeadlineChange[] {
  const out: DeadlineChange[] = [];
  if (before.promised !== after.promised) out.push({ caseId, at, clock: 'promised', from: before.promised, to: after.promised, cause });
  if (before.statutory !== after.statutory) out.push({ caseId, at, clock: 'statutory', from: before.statutory, to: after.statutory, cause });
  return out;
}
