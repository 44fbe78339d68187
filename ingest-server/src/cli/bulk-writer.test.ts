import { describe, expect, it } from 'vitest';
import { eventOf, simulateSteps } from '@tongban/fixtures';
import { dataQualityFlags } from '../events/data-quality.ts';
import { toEventRow } from '../events/event-row.ts';
import { EVENT_COLUMNS, STEP_COLUMNS, StepLines, eventTsvLine } from './bulk-writer.ts';

const byColumn = (columns: readonly string[], line: string) => Object.fromEntries(line.split('\t').map((v, i) => [columns[i], v]));
const RECEIVED = '2025-09-24 12:00:00.000';

describe('bulk lines for the events table', () => {
  it('gives, from simulator steps, exactly the values of the event each step becomes', () => {
    const known = (code: string) => !code.startsWith('GA-');
    const lines = new StepLines('backfill', RECEIVED, known);
    let n = 0;
    for (const ref of simulateSteps({ seed: 2, from: '2025-09-22T00:00:00+08:00', to: '2025-09-23T00:00:00+08:00', casesPerDay: 1500 })) {
      const e = eventOf(ref.c, ref.c.steps[ref.i]!);
      const fromSteps = byColumn(STEP_COLUMNS, lines.line(ref));
      const fromEvent = byColumn(EVENT_COLUMNS, eventTsvLine(e, 'backfill', RECEIVED, dataQualityFlags(e, known)));
      expect(fromSteps).toEqual(fromEvent);
      n++;
    }
    expect(n).toBeGreaterThan(1000);
  });

  it('writes the values toEventRow gives, with TabSeparated escapes and NULLs', () => {
    const e = {
      eventId: 'C1.3',
      caseId: 'C1',
      type: 'rated' as const,
      occurredAt: '2025-09-24T06:30:00Z',
      districtCode: '500118',
      level: 'district' as const,
      rating: 2,
      note: 'line one\nline\ttwo \\ end',
    };
    const row = toEventRow(e, 'src', Date.parse('2025-09-24T14:31:00+08:00'), ['unknown_item']);
    const line = byColumn(EVENT_COLUMNS, eventTsvLine(e, 'src', row.received_at, ['unknown_item']));
    expect(line.occurred_at).toBe(row.occurred_at);
    expect(line.event_key).toBe(String(row.event_key));
    expect(line.note).toBe('line one\\nline\\ttwo \\\\ end');
    expect(line.visits).toBe('\\N');
    expect(line.rating).toBe('2');
    expect(line.dq_flags).toBe("['unknown_item']");
  });
});
