/** Where a page keeps a bearer token for development and tests (the sign-in work replaces it by the session cookie). */
export const TOKEN_KEY = 'tongban.token';

function storedToken(): string | null {
  try {
    return globalThis.localStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

/**
 * fetch for the API: same-origin credentials (the session cookie), JSON accepted, and a bearer token when
 * one is stored under `tongban.token`.
 */
export function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  const token = storedToken();
  if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  return fetch(url, { ...init, headers, credentials: 'same-origin' });
}
