import { useEffect, useState } from 'react';
import { LOADING, fetchRemote, nextRemote, type Remote } from './remote.ts';

/**
 * Fetches `url` now and every `intervalMs`, keeping the last good answer through network drops. A null url
 * fetches nothing. The timer and any request in flight are cancelled on unmount or when the url changes.
 */
export function usePolled<T>(url: string | null, intervalMs: number, parse: (raw: unknown) => T | undefined): Remote<T> {
  const [remote, setRemote] = useState<{ url: string | null; value: Remote<T> }>({ url, value: LOADING });
  useEffect(() => {
    if (url === null) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await fetchRemote(url, parse, abort.signal);
        setRemote((prev) => ({ url, value: prev.url === url ? nextRemote(prev.value, next) : next }));
      } catch {
        return; // aborted
      }
      timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
    // `parse` is a module-level function in every caller.
  }, [url, intervalMs]);
  return remote.url === url ? remote.value : LOADING;
}
