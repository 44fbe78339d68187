/**
 * The wall's display token (SPEC "Who may do what"): read once from `?display=<token>`, kept in
 * localStorage so a kiosk reloading at its quiet hour (or after a watchdog reload) keeps it, and sent with
 * every request: `Authorization: Bearer` on fetches, `handshake.auth.token` on the socket.
 */
export const DISPLAY_TOKEN_KEY = 'tongban.display';

interface TokenSources {
  search: string;
  storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
}

/** Pure given its sources: the token of the URL (stored for next time) or the stored one. */
export function resolveDisplayToken({ search, storage }: TokenSources): string | null {
  const fromUrl = new URLSearchParams(search).get('display');
  if (fromUrl) {
    try {
      storage?.setItem(DISPLAY_TOKEN_KEY, fromUrl);
    } catch {
      /* storage full or disabled: the token still holds for this page's life */
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(DISPLAY_TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

let token: string | null | undefined;

/** This page's display token, resolved on first use. */
export function displayToken(): string | null {
  if (token === undefined) {
    token = typeof window === 'undefined' ? null : resolveDisplayToken({ search: window.location.search, storage: safeStorage() });
  }
  return token;
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** Headers of every wall fetch: JSON, and the display token when there is one. */
export function wallHeaders(): Record<string, string> {
  const t = displayToken();
  return t ? { accept: 'application/json', authorization: `Bearer ${t}` } : { accept: 'application/json' };
}
