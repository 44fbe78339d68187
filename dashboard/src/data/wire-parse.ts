import type { WireSchema } from '@tongban/shared';

const reported = new Set<string>();

/**
 * A parser for one message or answer of the wire contract (shared/src/wire): the data when it matches its
 * schema, otherwise undefined, and the mismatch is logged once per kind (a wall that runs for weeks must not
 * fill its console, nor crash, over one malformed message).
 */
export function wireParser<T>(schema: WireSchema<T>, what: string): (raw: unknown) => T | undefined {
  return (raw) => {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    if (!reported.has(what)) {
      reported.add(what);
      console.warn(`tongban: ignored ${what} that does not match the wire contract`, r.error.issues.slice(0, 3));
    }
    return undefined;
  };
}
