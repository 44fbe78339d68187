import { BY_CASE, table } from '../clickhouse/ddl.ts';
import type { Migration } from '../clickhouse/migrations.ts';

/**
 * 督办 escalations (supervision versions 130–139): each step an unresolved order reached past its due
 * date, written once per order and step by the escalator (read back with the earliest row per step, so a
 * step written twice by a crash between the write and the memory update still reads once).
 */
export const ORDER_ESCALATION_MIGRATIONS: Migration[] = [
  {
    version: 130,
    name: 'supervision order escalations',
    steps: [
      table({
        table: 'supervision_escalations',
        columns: `
        order_id UUID,
        case_id String,
        level LowCardinality(String) COMMENT 'yellow_card | red_card',
        escalated_on Date COMMENT 'the Asia/Shanghai day the order reached the step',
        due_on Date COMMENT 'the order''s due date',
        recorded_at DateTime64(3, 'Asia/Shanghai')`,
        engine: 'MergeTree',
        orderBy: '(case_id, order_id, level)',
        distribution: BY_CASE,
      }),
    ],
  },
];
