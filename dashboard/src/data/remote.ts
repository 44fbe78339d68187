import { apiFetch } from './api-fetch.ts';

/** What a panel knows about data fetched over HTTP. */
export type Remote<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; reason: string };

export const LOADING: Remote<never> = { state: 'loading' };

/** GETs JSON and parses it. A body that does not parse is an error, never half-shown. */
export async function fetchRemote<T>(url: string, parse: (raw: unknown) => T | undefined, signal?: AbortSignal): Promise<Remote<T>> {
  let res: Response;
  try {
    res = await apiFetch(url, { signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    return { state: 'error', reason: '网络中断' };
  }
  if (res.status === 404) return { state: 'error', reason: '未找到' };
  if (res.status === 401) return { state: 'error', reason: '未登录或登录已过期' };
  if (res.status === 403) return { state: 'error', reason: '无权查看' };
  if (!res.ok) return { state: 'error', reason: `HTTP ${res.status}` };
  let raw: unknown;
  try {
    raw = await res.json();
  } catch {
    return { state: 'error', reason: '数据格式错误' };
  }
  const data = parse(raw);
  return data === undefined ? { state: 'error', reason: '数据格式错误' } : { state: 'ok', data };
}

/** Pure: on a failed refresh the wall keeps showing the last good data; otherwise the new answer. */
export function nextRemote<T>(previous: Remote<T>, next: Remote<T>): Remote<T> {
  return next.state === 'error' && previous.state === 'ok' ? previous : next;
}
