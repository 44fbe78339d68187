/** SPEC.md "Who may do what": the people's roles. */
export const ROLES = ['admin', 'supervisor', 'analyst', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_NAMES: Record<Role, string> = { admin: '管理员', supervisor: '监察员', analyst: '分析员', viewer: '值班员' };

/** Who a request comes from: a signed-in person or a machine with a bearer token. */
export type Principal =
  | { kind: 'person'; username: string; name: string; role: Role; districtCode: string | null; sessionId: string }
  | { kind: 'source'; name: string; districts: ReadonlySet<string> | null }
  | { kind: 'admin-token'; name: string }
  | { kind: 'display'; name: string; districtCode: string | null };

/** What a route may be used by: roles of people, and kinds of machines. An admin person may use every route but ingest. */
export type Audience = Role | 'source' | 'display' | 'admin-token';

/** The district a principal is confined to, if any (a source's limit is checked per event, not here). */
export function scopeOf(p: Principal): string | null {
  return p.kind === 'person' || p.kind === 'display' ? p.districtCode : null;
}

/** The name the audit records for a principal. */
export function actorOf(p: Principal | undefined): { actor: string; role: string } {
  if (!p) return { actor: 'anonymous', role: '' };
  if (p.kind === 'person') return { actor: p.username, role: p.role };
  return { actor: p.name, role: p.kind };
}

export function allows(audience: readonly Audience[], p: Principal): boolean {
  switch (p.kind) {
    case 'person':
      // An admin reads and changes everything; events come from source systems only.
      return (p.role === 'admin' && audience.some((a) => a !== 'source')) || audience.includes(p.role);
    case 'admin-token':
      return audience.includes('admin-token');
    case 'source':
      return audience.includes('source');
    case 'display':
      return audience.includes('display');
  }
}
