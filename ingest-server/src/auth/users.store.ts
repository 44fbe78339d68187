import { isKnownDistrict, shanghaiDateTime } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';
import { AppError } from '../errors.ts';
import { hashPassword } from './passwords.ts';
import { ROLES, type Role } from './principal.ts';

export interface User {
  username: string;
  name: string;
  role: Role;
  districtCode: string | null;
  passwordHash: string;
  disabled: boolean;
}

/** What answers and lists show of a person (never the hash). */
export type UserView = Omit<User, 'passwordHash'>;
export const userView = ({ passwordHash: _h, ...u }: User): UserView => u;

export const DEV_PASSWORD = 'dev-password';
/** SPEC.md "Development identities": outside production, these sign in with `dev-password`. */
export const DEV_PEOPLE: Array<Omit<User, 'passwordHash' | 'disabled'>> = [
  { username: 'admin', name: '系统管理员', role: 'admin', districtCode: null },
  { username: 'supervisor', name: '市级监察员', role: 'supervisor', districtCode: null },
  { username: 'analyst', name: '效能分析员', role: 'analyst', districtCode: null },
  { username: 'viewer', name: '指挥中心值班员', role: 'viewer', districtCode: null },
  { username: 'yongchuan', name: '永川区监察员', role: 'supervisor', districtCode: '500118' },
];

const USERNAME = /^[a-z][a-z0-9._-]{1,31}$/;
const MIN_PASSWORD = 10;

/** Checks a new or changed person; every problem at once. */
export function validateUser(u: { username?: unknown; name?: unknown; role?: unknown; districtCode?: unknown; password?: unknown }, creating: boolean): string[] {
  const errors: string[] = [];
  if (creating && (typeof u.username !== 'string' || !USERNAME.test(u.username))) errors.push('username: 2–32 of a-z 0-9 . _ -, starting with a letter');
  if (u.name !== undefined && (typeof u.name !== 'string' || u.name.trim().length === 0 || u.name.length > 40)) errors.push('name: 1–40 characters');
  if ((creating || u.role !== undefined) && !(ROLES as readonly unknown[]).includes(u.role)) errors.push(`role: one of ${ROLES.join(', ')}`);
  if (u.districtCode !== undefined && u.districtCode !== null && (typeof u.districtCode !== 'string' || !isKnownDistrict(u.districtCode))) errors.push('districtCode: a known district code, or null');
  if ((creating || u.password !== undefined) && (typeof u.password !== 'string' || u.password.length < MIN_PASSWORD || u.password.length > 200)) errors.push(`password: ${MIN_PASSWORD}–200 characters`);
  return errors;
}

/**
 * People in ClickHouse (a small ReplacingMergeTree: the latest version of each wins), all kept in memory
 * (a command center has tens of people, not millions). Development people live in memory only and never
 * reach the table, so a data directory carries no development password into production.
 */
export class UserDirectory {
  private readonly users = new Map<string, User>();
  private readonly dev = new Map<string, User>();

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    private readonly now: () => number = Date.now,
  ) {}

  async load(devPeople: boolean): Promise<{ stored: number; dev: number }> {
    const rs = await this.ch.query({
      query: `SELECT username, argMax(name, version) AS name, argMax(role, version) AS role, argMax(district_code, version) AS district_code,
                     argMax(password_hash, version) AS password_hash, argMax(disabled, version) AS disabled
              FROM ${this.db}.users GROUP BY username`,
      format: 'JSONEachRow',
    });
    for (const r of await rs.json<{ username: string; name: string; role: Role; district_code: string | null; password_hash: string; disabled: number }>()) {
      this.users.set(r.username, { username: r.username, name: r.name, role: r.role, districtCode: r.district_code, passwordHash: r.password_hash, disabled: Number(r.disabled) === 1 });
    }
    if (devPeople) {
      const passwordHash = await hashPassword(DEV_PASSWORD);
      for (const p of DEV_PEOPLE) if (!this.users.has(p.username)) this.dev.set(p.username, { ...p, passwordHash, disabled: false });
    }
    return { stored: this.users.size, dev: this.dev.size };
  }

  get(username: string): User | undefined {
    return this.users.get(username) ?? this.dev.get(username);
  }

  list(): UserView[] {
    return [...this.users.values(), ...[...this.dev.values()].filter((u) => !this.users.has(u.username))].map(userView).sort((a, b) => a.username.localeCompare(b.username));
  }

  get storedCount(): number {
    return this.users.size;
  }

  async create(input: { username: string; name?: string; role: Role; districtCode?: string | null; password: string }): Promise<UserView> {
    if (this.users.has(input.username)) throw new AppError(409, 'user_exists', `a user ${input.username} exists`);
    const user: User = { username: input.username, name: input.name?.trim() || input.username, role: input.role, districtCode: input.districtCode ?? null, passwordHash: await hashPassword(input.password), disabled: false };
    await this.write(user);
    return userView(user);
  }

  async update(username: string, change: { name?: string; role?: Role; districtCode?: string | null; password?: string; disabled?: boolean }): Promise<UserView> {
    const current = this.users.get(username);
    if (!current) throw new AppError(404, 'not_found', `no stored user ${username}`);
    const user: User = {
      ...current,
      ...(change.name !== undefined ? { name: change.name.trim() } : {}),
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.districtCode !== undefined ? { districtCode: change.districtCode } : {}),
      ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
      ...(change.password !== undefined ? { passwordHash: await hashPassword(change.password) } : {}),
    };
    await this.write(user);
    return userView(user);
  }

  private async write(u: User): Promise<void> {
    await this.ch.insert({
      table: `${this.db}.users`,
      format: 'JSONEachRow',
      values: [{ username: u.username, name: u.name, role: u.role, district_code: u.districtCode, password_hash: u.passwordHash, disabled: u.disabled ? 1 : 0, version: shanghaiDateTime(this.now()) }],
      clickhouse_settings: { async_insert: 0 },
    });
    this.users.set(u.username, u);
  }
}
