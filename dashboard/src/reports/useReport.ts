import { useEffect, useState } from 'react';
import type { ReportAnswer, ReportListEntry } from '@tongban/shared';

export type Loaded<T> = { state: 'idle' } | { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; reason: string };

async function getJson<T>(url: string, signal: AbortSignal): Promise<Loaded<T>> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal.aborted) throw err;
    return { state: 'error', reason: '网络中断' };
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { state: 'error', reason: `HTTP ${res.status}` };
  }
  if (!res.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    return { state: 'error', reason: message ?? `HTTP ${res.status}` };
  }
  return { state: 'ok', data: body as T };
}

/** Fetches JSON whenever `url` changes (null: nothing); a request in flight is cancelled on change and unmount. */
export function useJson<T>(url: string | null): Loaded<T> {
  const [value, setValue] = useState<{ url: string | null; loaded: Loaded<T> }>({ url: null, loaded: { state: 'idle' } });
  useEffect(() => {
    if (url === null) return;
    const abort = new AbortController();
    setValue({ url, loaded: { state: 'loading' } });
    getJson<T>(url, abort.signal).then(
      (loaded) => setValue({ url, loaded }),
      () => undefined,
    );
    return () => abort.abort();
  }, [url]);
  if (url === null) return { state: 'idle' };
  return value.url === url ? value.loaded : { state: 'loading' };
}

export const useReport = (url: string | null) => useJson<ReportAnswer>(url);
export const useReportList = (url: string | null) => useJson<{ reports: ReportListEntry[] }>(url);
export const useCatalogue = () => useJson<{ items: Array<{ department: string; departmentCode?: string }> }>('/api/v1/items');
