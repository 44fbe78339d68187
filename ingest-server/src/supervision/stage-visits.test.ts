import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_TYPES, type CaseEvent } from '@tongban/shared';
import { createClickhouse, QUERY_SETTINGS } from '../clickhouse/clickhouse-client.ts';
import { migrate, MIGRATIONS } from '../clickhouse/migrations.ts';
import { toEventRow } from '../events/event-row.ts';
import { visitsSql } from './stage-dwells.ts';
import { visitsOfCase, type StageVisitRow } from './stage-visits.ts';

/*
 * The visits the case projector computes in JavaScript against `visitsSql` on a real engine, for random
 * cases: instants that tie to the millisecond and to the minute around a Shanghai midnight, event ids that
 * order the ties, every event type, items, districts and departments missing or changing, and cases longer
 * than the SQL's frame of previous visits (its other form).
 */

const DB = 'visits';
const dataDir = mkdtempSync(path.join(tmpdir(), 'tongban-stage-visits-'));
const ch = createClickhouse({ clickhouseUrl: undefined, dataDir, clickhouseDatabase: DB });

beforeAll(async () => {
  await migrate(ch, DB, MIGRATIONS);
}, 120_000);

afterAll(async () => {
  await ch.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Around Shanghai midnight of 2025-10-09 (15:58 UTC), so a dwell's days and minutes both cross. */
const BASE = Date.parse('2025-10-09T23:58:00+08:00');
const ID_PARTS = ['a', 'b', 'B', '1', '_', ':x', '.9'];

const eventArb = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  ms: fc.oneof(fc.constantFrom(0, 0, 999, 1_000, 59_999, 60_000), fc.integer({ min: 0, max: 6 }).map((m) => m * 37_000), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 })),
  itemCode: fc.constantFrom(undefined, undefined, 'I1', 'I2'),
  districtCode: fc.constantFrom('500101', '500118'),
  departmentCode: fc.constantFrom(undefined, 'D1', 'D2'),
});
const caseArb = fc.oneof(
  { weight: 5, arbitrary: fc.array(eventArb, { minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(eventArb, { minLength: 60, maxLength: 90 }) },
);

let run = 0;
const key = (r: StageVisitRow) => `${r.case_id}\t${r.start_event_id}`;
const sorted = (rows: StageVisitRow[]) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));

it('equals visitsSql row for row, both of its forms', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(caseArb, { minLength: 1, maxLength: 6 }), async (cases) => {
      run++;
      const events: CaseEvent[] = cases.flatMap((list, c) =>
        list.map((g, i) => ({
          eventId: `R${run}.${c}.${ID_PARTS[i % ID_PARTS.length]}${Math.floor(i / ID_PARTS.length)}`,
          caseId: `R${run}-C${c}`,
          type: g.type,
          occurredAt: new Date(BASE + g.ms).toISOString(),
          districtCode: g.districtCode,
          level: 'district',
          ...(g.itemCode ? { itemCode: g.itemCode } : {}),
          ...(g.departmentCode ? { departmentCode: g.departmentCode } : {}),
          ...(g.type === 'rated' ? { rating: 3 } : {}),
        })),
      );
      await ch.insert({ table: `${DB}.events`, values: events.map((e) => toEventRow(e, 'test', Date.parse(e.occurredAt), [])), format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS });
      const ids = cases.map((_, c) => `'R${run}-C${c}'`).join(', ');
      const js = sorted(cases.flatMap((_, c) => visitsOfCase(events.filter((e) => e.caseId === `R${run}-C${c}`))));
      for (const form of ['few', 'many'] as const) {
        const rs = await ch.query({ query: visitsSql(DB, `case_id IN (${ids})`, undefined, form), format: 'JSONEachRow', clickhouse_settings: { ...QUERY_SETTINGS, output_format_json_quote_64bit_integers: 0 } });
        expect(js).toEqual(sorted(await rs.json<StageVisitRow>()));
      }
    }),
    { numRuns: 60 },
  );
}, 300_000);
