/** What a panel knows about data fetched over HTTP. `absent` = the endpoint does not exist (yet). */
export type Remote<T> =
  | { state: 'loading' }
  | { state: 'ok'; data: T }
  | { state: 'absent' }
  | { state: 'error'; reason: string };

export const LOADING: Remote<never> = { state: 'loading' };

/**
 * GETs JSON and parses it. 404 and 501 mean the data source has not landed on this server: `absent`, which
 * panels show as 暂无数据. A body that does not parse is an error, never half-shown.
 */
export async function fetchRemote<T>(url: string, parse: (raw: unknown) => T | undefined, signal?: AbortSignal): Promise<Remote<T>> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal?.aborted) throw err;
    return { state: 'error', reason: '网络中断' };
  }
  if (res.status === 404 || res.status === 501) return { state: 'absent' };
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
