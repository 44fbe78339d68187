/**
 * Reads a stopped test server's data dir with the real embedded chDB (one data dir per process, so this runs
 * as its own process): `dump` prints every row of the tables that hold case data as JSON lines;
 * `applicant <caseId>` prints EventStore.applicantOfCase with the PII_KEY of the environment.
 */
import { createClickhouse } from '../src/clickhouse/clickhouse-client.ts';
import { loadConfig } from '../src/config.ts';
import { EventStore } from '../src/events/event.store.ts';

const config = loadConfig();
const ch = createClickhouse(config);
const db = config.clickhouseDatabase;
const [mode, caseId] = process.argv.slice(2);
try {
  if (mode === 'dump') {
    for (const table of ['events', 'case_events', 'rejected_events', 'supervision_orders', 'rating_followups', 'case_state']) {
      const rs = await ch.query({ query: `SELECT '${table}' AS _table, * FROM ${db}.${table}`, format: 'JSONEachRow' });
      process.stdout.write((await rs.text()) || '');
    }
  } else if (mode === 'applicant') {
    process.stdout.write(JSON.stringify(await new EventStore(ch, db, config.piiKeys).applicantOfCase(caseId!)));
  }
} finally {
  await ch.close();
}
