import { describe, expect, it } from 'vitest';
import { insertsInto, parseFault, tsvUnescape } from './clickhouse-serve.ts';

describe('clickhouse:serve fault points', () => {
  it('accepts the two fault points and refuses anything else', () => {
    expect(parseFault({ point: 'answer_lost_after_commit', table: 'tongban.events', then: 'kill' })).toEqual({ point: 'answer_lost_after_commit', table: 'tongban.events', views: [], then: 'kill' });
    expect(parseFault({ point: 'torn_views', table: 'tongban.events', views: ['tongban.event_ids_mv'], then: 'drop' }).views).toEqual(['tongban.event_ids_mv']);
    expect(() => parseFault({ point: 'torn_views', table: 'tongban.events', then: 'drop' })).toThrow(/views/);
    expect(() => parseFault({ point: 'explode', table: 'tongban.events', then: 'drop' })).toThrow(/point/);
    expect(() => parseFault({ point: 'answer_lost_after_commit', table: 'x; DROP TABLE y', then: 'drop' })).toThrow(/table/);
    expect(() => parseFault({ point: 'answer_lost_after_commit', table: 'tongban.events', then: 'later' })).toThrow(/then/);
  });

  it('matches an INSERT into the named table only', () => {
    expect(insertsInto('INSERT INTO tongban.events FORMAT JSONEachRow', 'tongban.events')).toBe(true);
    expect(insertsInto('  insert into `tongban`.`events` (a, b) FORMAT JSONEachRow', 'tongban.events')).toBe(true);
    expect(insertsInto('INSERT INTO tongban.events_x FORMAT JSONEachRow', 'tongban.events')).toBe(false);
    expect(insertsInto('SELECT * FROM tongban.events', 'tongban.events')).toBe(false);
  });

  it('undoes the TSV escaping of query parameters', () => {
    expect(tsvUnescape('a\\tb\\\\c\\\'')).toBe("a\tb\\c'");
  });
});
