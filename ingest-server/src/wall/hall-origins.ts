import type { DisplayConfig } from '@tongban/shared';

/**
 * The origins of the hall cameras' HLS streams named in DISPLAYS_FILE, for the page's Content-Security-Policy
 * (`connect-src` for hls.js's requests, `media-src` for a browser that plays HLS natively): the wall may read
 * those streams and nothing else off its own origin. A relative URL (a stream proxied by this server) adds none.
 */
export function hallStreamOrigins(displays: Iterable<DisplayConfig>): string[] {
  const origins = new Set<string>();
  for (const d of displays)
    for (const h of d.halls) {
      try {
        const u = new URL(h.url);
        if (u.protocol === 'http:' || u.protocol === 'https:') origins.add(u.origin);
      } catch {
        /* relative: same origin */
      }
    }
  return [...origins].sort();
}
