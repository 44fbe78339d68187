/**
 * How the pages prove who they are. A wall screen opened as `/?display=<token>` keeps its display token
 * (it runs for weeks with nobody signing in) and sends it with every request and the live connection; a
 * person's browser sends its HttpOnly session cookie by itself, so nothing is kept here for people.
 */
const DISPLAY_KEY = 'tongban.display';

export function displayToken(): string | null {
  const fromUrl = new URLSearchParams(window.location.search).get('display');
  if (fromUrl) window.localStorage.setItem(DISPLAY_KEY, fromUrl);
  return window.localStorage.getItem(DISPLAY_KEY);
}

/** Headers for an API request: the display token when this is a wall screen. */
export function authHeaders(): Record<string, string> {
  const token = displayToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}
