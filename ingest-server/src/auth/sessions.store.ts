import { createHash, randomBytes } from 'node:crypto';
import { shanghaiDateTime } from '@tongban/shared';
import type { Clickhouse } from '../clickhouse/clickhouse-client.ts';

interface Session {
  idHash: string;
  username: string;
  createdAt: number;
  lastSeenAt: number;
  /** When last_seen_at was last written: a busy session is written at most once per TOUCH_WRITE_MS. */
  writtenAt: number;
}

const TOUCH_WRITE_MS = 5 * 60_000;
const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * Server-side sessions: the cookie carries a random id (signed), the table and memory its SHA-256, so a
 * stolen table opens no session. Sessions survive a restart (read back at start: only those used within the
 * idle limit, so start-up does not grow with history) and end after `idleMs` without use, or on sign-out.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ch: Clickhouse,
    private readonly db: string,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async load(): Promise<number> {
    const rs = await this.ch.query({
      query: `SELECT id_hash, argMax(username, last_seen_at) AS username, min(created_at) AS created, max(last_seen_at) AS seen, argMax(revoked, last_seen_at) AS revoked
              FROM ${this.db}.sessions WHERE last_seen_at >= fromUnixTimestamp64Milli({since:Int64}) GROUP BY id_hash`,
      query_params: { since: this.now() - this.idleMs },
      format: 'JSONEachRow',
    });
    for (const r of await rs.json<{ id_hash: string; username: string; created: string; seen: string; revoked: number }>()) {
      if (Number(r.revoked) === 1) continue;
      const seen = Date.parse(`${r.seen.replace(' ', 'T')}+08:00`);
      this.sessions.set(r.id_hash, { idHash: r.id_hash, username: r.username, createdAt: Date.parse(`${r.created.replace(' ', 'T')}+08:00`), lastSeenAt: seen, writtenAt: seen });
    }
    return this.sessions.size;
  }

  /** A new session for a person; the id goes into the cookie and nowhere else. */
  async create(username: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const s: Session = { idHash: hashId(id), username, createdAt: now, lastSeenAt: now, writtenAt: now };
    await this.write(s, false);
    this.sessions.set(s.idHash, s);
    return id;
  }

  /** The person of a live session (and the session is touched), or undefined. */
  use(id: string): { username: string; idHash: string } | undefined {
    const idHash = hashId(id);
    const s = this.sessions.get(idHash);
    if (!s) return undefined;
    const now = this.now();
    if (now - s.lastSeenAt > this.idleMs) {
      this.sessions.delete(idHash);
      return undefined;
    }
    s.lastSeenAt = now;
    if (now - s.writtenAt > TOUCH_WRITE_MS) {
      s.writtenAt = now;
      void this.write(s, false).catch(() => undefined); // best effort: at worst the session ends a few minutes early after a restart
    }
    return { username: s.username, idHash };
  }

  async revoke(idHash: string): Promise<void> {
    const s = this.sessions.get(idHash);
    if (!s) return;
    this.sessions.delete(idHash);
    await this.write({ ...s, lastSeenAt: this.now() }, true);
  }

  /** Ends every session of a person (disabled, password or role changed). */
  async revokeAll(username: string): Promise<void> {
    for (const s of [...this.sessions.values()]) if (s.username === username) await this.revoke(s.idHash);
  }

  private async write(s: Session, revoked: boolean): Promise<void> {
    await this.ch.insert({
      table: `${this.db}.sessions`,
      format: 'JSONEachRow',
      values: [{ id_hash: s.idHash, username: s.username, created_at: shanghaiDateTime(s.createdAt), last_seen_at: shanghaiDateTime(s.lastSeenAt), revoked: revoked ? 1 : 0 }],
      clickhouse_settings: { async_insert: 0 },
    });
  }
}
