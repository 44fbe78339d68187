import { OrderListSchema, AreaOverviewSchema, CaseDetailSchema, CaseListSchema, CaseTraceSchema, PlaceNamesSchema, SupervisionOrderSchema, SuperviseInboxSchema, SuperviseSettingsSchema } from '@tongban/shared';
import { apiFetch } from '../data/api-fetch.ts';
import { wireParser } from '../data/wire-parse.ts';

export const parseAreas = wireParser(AreaOverviewSchema, 'supervise areas');
export const parseInbox = wireParser(SuperviseInboxSchema, 'supervise inbox');
export const parseCaseList = wireParser(CaseListSchema, 'case list');
export const parseCase = wireParser(CaseDetailSchema, 'case detail');
export const parseTrace = wireParser(CaseTraceSchema, 'case trace');
export const parseOrders = wireParser(OrderListSchema, 'supervision orders');
export const parsePlaces = wireParser(PlaceNamesSchema, 'place names');
export const parseSettings = wireParser(SuperviseSettingsSchema, 'supervise settings');
const parseOrder = wireParser(SupervisionOrderSchema, 'supervision order');

export function areasUrl(districtCode: string | null, townshipCode: string | null): string {
  const p = new URLSearchParams();
  if (districtCode) p.set('districtCode', districtCode);
  if (townshipCode) p.set('townshipCode', townshipCode);
  const q = p.toString();
  return `/api/v1/supervise/areas${q ? `?${q}` : ''}`;
}

export const inboxUrl = (districtCode: string | null) => `/api/v1/supervise/inbox${districtCode ? `?districtCode=${encodeURIComponent(districtCode)}` : ''}`;
export const caseUrl = (caseId: string) => `/api/v1/cases/${encodeURIComponent(caseId)}`;

export type Posted = { ok: true } | { ok: false; reason: string };

async function postJson(url: string, body: unknown): Promise<Posted> {
  let res: Response;
  try {
    res = await apiFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, reason: '网络中断' };
  }
  const answer: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const message = (answer as { error?: { message?: string } } | null)?.error?.message;
    const reason = res.status === 401 || res.status === 403 ? '无权操作（请以监察员身份登录）' : (message ?? `HTTP ${res.status}`);
    return { ok: false, reason };
  }
  return parseOrder(answer) ? { ok: true } : { ok: false, reason: '数据格式错误' };
}

/** Issues a 督办 order on a case. */
export const issueOrder = (caseId: string, reason: string, dueOn: string) => postJson(`${caseUrl(caseId)}/supervision`, { reason, dueOn });
/** Resolves a 督办 order with a note. */
export const resolveOrder = (caseId: string, orderId: string, resolution: string) => postJson(`${caseUrl(caseId)}/supervision/${encodeURIComponent(orderId)}/resolve`, { resolution });
