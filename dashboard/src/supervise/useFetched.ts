import { useEffect, useState } from 'react';
import { fetchRemote, LOADING, nextRemote, type Remote } from '../data/remote.ts';

/**
 * Fetches `url` now, again every `intervalMs` (0: never) and whenever `version` changes (after an action),
 * keeping what was shown while a refresh is in flight or fails. A new url starts from loading. The timer
 * and the request in flight are cancelled on unmount and on change.
 */
export function useFetched<T>(url: string | null, parse: (raw: unknown) => T | undefined, intervalMs = 0, version = 0): Remote<T> {
  const [state, setState] = useState<{ url: string | null; value: Remote<T> }>({ url, value: LOADING });
  useEffect(() => {
    if (url === null) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const next = await fetchRemote(url, parse, abort.signal);
        setState((prev) => ({ url, value: prev.url === url ? nextRemote(prev.value, next) : next }));
      } catch {
        return; // aborted
      }
      if (intervalMs > 0) timer = setTimeout(() => void load(), intervalMs);
    };
    void load();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
    // `parse` is a module-level function in every caller.
  }, [url, intervalMs, version]);
  return state.url === url ? state.value : LOADING;
}
