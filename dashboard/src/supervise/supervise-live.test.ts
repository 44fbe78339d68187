import { describe, expect, it } from 'vitest';
import type { SupervisionOverdue } from '@tongban/shared';
import { concernsArea, type SuperviseMessage } from './useSuperviseLive.ts';

const overdue = (districtCode: string | null): SuperviseMessage => ({
  name: 'supervision:overdue',
  message: { orderId: 'o1', caseId: 'C1', districtCode, districtName: null, level: 'yellow_card', escalatedOn: '2026-12-02', dueOn: '2026-12-01', issuedAt: '', issuer: 'sup', reason: '', at: '' } satisfies SupervisionOverdue,
});

describe('which live messages refresh an area overview', () => {
  it('refreshes the city on any message, a district on its own (and on an escalation whose district is unknown)', () => {
    expect(concernsArea(null, overdue('500101'))).toBe(true);
    expect(concernsArea('500118', overdue('500118'))).toBe(true);
    expect(concernsArea('500118', overdue('500101'))).toBe(false);
    expect(concernsArea('500118', overdue(null))).toBe(true);
  });
});
