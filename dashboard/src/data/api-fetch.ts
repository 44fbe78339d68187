import { wallHeaders } from './display-token.ts';

/**
 * fetch for the API: the session cookie (same-origin credentials), JSON accepted, and the display token of a
 * wall screen when the page has one (`wallHeaders`).
 */
export function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(wallHeaders())) if (!headers.has(k)) headers.set(k, v);
  return fetch(url, { ...init, headers, credentials: 'same-origin' });
}
