import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord, IngestLog, nodeLogFileSystem, type LogFile, type LogFileSystem } from './ingest-log.ts';

type Fault = 'short-write' | 'short-write-then-enospc' | 'zero-write' | 'enospc' | 'eio-fsync' | 'eio-truncate' | 'enospc-create';

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/**
 * The real file system with faults injected through the log's file interface, and a model of what is
 * really on the platter: bytes count as durable only once a datasync succeeds. `crash()` cuts every file
 * to its durable length plus a random part of the rest, some of it garbled, as a power loss could.
 */
class FaultyFs implements LogFileSystem {
  readonly faults: Fault[] = [];
  private readonly durable = new Map<string, number>();
  private readonly written = new Map<string, number>();

  constructor(private readonly random: () => number) {}

  private take(f: Fault): boolean {
    const i = this.faults.indexOf(f);
    if (i === -1) return false;
    this.faults.splice(i, 1);
    return true;
  }

  async create(file: string): Promise<LogFile> {
    if (this.take('enospc-create')) throw errno('ENOSPC');
    const real = await nodeLogFileSystem.create(file);
    this.durable.set(file, 0);
    this.written.set(file, 0);
    const end = (n: number) => this.written.set(file, Math.max(this.written.get(file)!, n));
    return {
      write: async (data, position) => {
        if (this.take('zero-write')) return 0;
        if (this.take('enospc')) throw errno('ENOSPC');
        if (this.take('short-write-then-enospc')) {
          const part = Math.floor(data.length / 2);
          const n = await real.write(data.subarray(0, part), position);
          end(position + n);
          this.faults.unshift('enospc');
          return n;
        }
        if (this.take('short-write') && data.length > 1) {
          const n = await real.write(data.subarray(0, Math.ceil(data.length / 3)), position);
          end(position + n);
          return n;
        }
        const n = await real.write(data, position);
        end(position + n);
        return n;
      },
      datasync: async () => {
        if (this.take('eio-fsync')) throw errno('EIO');
        await real.datasync();
        this.durable.set(file, this.written.get(file)!);
      },
      truncate: async (length) => {
        if (this.take('eio-truncate')) throw errno('EIO');
        await real.truncate(length);
        this.written.set(file, length);
        this.durable.set(file, Math.min(this.durable.get(file)!, length));
      },
      close: () => real.close(),
    };
  }

  readFile = nodeLogFileSystem.readFile;
  readdir = nodeLogFileSystem.readdir;
  unlink = nodeLogFileSystem.unlink;

  /** What a power loss leaves: the durable bytes, then maybe some of the unsynced ones, maybe garbled. */
  crash(): void {
    for (const [file, durable] of this.durable) {
      let buf: Buffer;
      try {
        buf = readFileSync(file);
      } catch {
        continue; // deleted
      }
      const keep = durable + Math.floor(this.random() * (buf.length - durable + 1));
      const out = Buffer.from(buf.subarray(0, keep));
      if (keep > durable && this.random() < 0.5) out[durable + Math.floor(this.random() * (keep - durable))]! ^= 0x5a;
      writeFileSync(file, out);
    }
  }
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'tongban-log-'));
  dirs.push(d);
  return d;
};

async function replay(dir: string): Promise<number[]> {
  const log = new IngestLog<{ id: number }>(dir);
  const { records } = await log.open();
  await log.close();
  return records.map((r) => r.id);
}

describe('the ingest log record format', () => {
  it('reads back what it wrote and stops at a torn or corrupt record', () => {
    const a = encodeRecord('{"id":1}');
    const b = encodeRecord('{"id":2}');
    expect(decodeRecords(Buffer.concat([a, b])).payloads).toEqual(['{"id":1}', '{"id":2}']);
    expect(decodeRecords(Buffer.concat([a, b.subarray(0, b.length - 1)]))).toEqual({ payloads: ['{"id":1}'], validBytes: a.length });
    const flipped = Buffer.concat([a, b]);
    flipped[a.length + 9]! ^= 1;
    expect(decodeRecords(flipped).payloads).toEqual(['{"id":1}']);
    // A run of zeros (a file extended but never written) is not an empty record.
    expect(decodeRecords(Buffer.concat([a, Buffer.alloc(64)])).payloads).toEqual(['{"id":1}']);
  });
});

describe('the ingest log under injected faults', () => {
  it('fails the appends of a failed write, fsync or repair, and never acknowledges a record that a crash can lose', async () => {
    const random = mulberry32(11);
    const faultKinds: Fault[] = ['short-write', 'short-write-then-enospc', 'zero-write', 'enospc', 'eio-fsync', 'eio-truncate', 'enospc-create'];
    let failures = 0;
    let shortWritesCompleted = 0;
    for (let round = 0; round < 25; round++) {
      const dir = tempDir();
      const fs = new FaultyFs(random);
      const log = new IngestLog<{ id: number }>(dir, fs);
      await log.open();
      const acked = new Set<number>();
      const attempted = new Set<number>();
      let id = round * 10_000;
      for (let step = 0; step < 30; step++) {
        if (random() < 0.35) fs.faults.push(faultKinds[Math.floor(random() * faultKinds.length)]!);
        if (random() < 0.15) await log.seal().catch(() => undefined);
        // Several concurrent appends: they share one write and one fsync, and fail or succeed together.
        const group = Array.from({ length: 1 + Math.floor(random() * 3) }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({ id: id++ })));
        const shortPending = fs.faults.includes('short-write');
        const outcomes = await Promise.allSettled(
          group.map((records) => {
            for (const r of records) attempted.add(r.id);
            return log.append(records, () => undefined).then(() => records);
          }),
        );
        for (const o of outcomes) {
          if (o.status === 'fulfilled') for (const r of o.value) acked.add(r.id);
          else {
            failures++;
            expect((o.reason as NodeJS.ErrnoException).code).toMatch(/^E/);
          }
        }
        if (shortPending && !fs.faults.includes('short-write') && outcomes.every((o) => o.status === 'fulfilled')) shortWritesCompleted++;
        if (outcomes.every((o) => o.status === 'rejected')) expect(log.health.lastError).toBeDefined();
      }
      fs.crash();
      const replayed = await replay(dir);
      // Every acknowledged record survives the crash exactly once; nothing appears that was never sent.
      for (const a of acked) expect(replayed.filter((r) => r === a)).toHaveLength(1);
      expect(new Set(replayed).size).toBe(replayed.length);
      for (const r of replayed) expect(attempted.has(r)).toBe(true);
    }
    // The faults really happened and were survived both ways.
    expect(failures).toBeGreaterThan(20);
    expect(shortWritesCompleted).toBeGreaterThan(0);
  });

  it('truncates a torn tail before the next append, so later records are readable after it', async () => {
    const dir = tempDir();
    const fs = new FaultyFs(() => 0);
    const log = new IngestLog<{ id: number; pad?: string }>(dir, fs);
    await log.open();
    await log.append([{ id: 1 }], () => undefined);
    fs.faults.push('short-write-then-enospc');
    await expect(log.append([{ id: 2, pad: 'x'.repeat(200) }, { id: 3 }], () => undefined)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(log.health.lastError?.code).toBe('ENOSPC');
    await log.append([{ id: 4 }], () => undefined);
    expect(log.health.lastError).toBeUndefined();
    const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.log'))!);
    const { payloads, validBytes } = decodeRecords(readFileSync(file));
    expect(payloads).toEqual(['{"id":1}', '{"id":4}']);
    expect(validBytes).toBe(readFileSync(file).length);
    await log.close();
  });

  it('replays records up to a torn record, reporting what it ignored', async () => {
    const dir = tempDir();
    const log = new IngestLog<{ id: number }>(dir);
    await log.open();
    await log.append([{ id: 1 }, { id: 2 }], () => undefined);
    await log.close();
    const file = path.join(dir, readdirSync(dir).find((f) => f.endsWith('.log'))!);
    truncateSync(file, readFileSync(file).length - 3);
    const torn: number[] = [];
    const again = new IngestLog<{ id: number }>(dir, nodeLogFileSystem, (t) => torn.push(t.ignoredBytes));
    expect((await again.open()).records).toEqual([{ id: 1 }]);
    expect(torn).toEqual([encodeRecord('{"id":2}').length - 3]);
    await again.close();
  });

  it('still replays a segment of the earlier line-per-record format', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'segment-000000000003.ndjson'), '{"id":7}\n{"id":8}\n{"id":9');
    const log = new IngestLog<{ id: number }>(dir);
    expect(await log.open()).toEqual({
      records: [{ id: 7 }, { id: 8 }],
      entries: [
        { segment: 3, record: { id: 7 } },
        { segment: 3, record: { id: 8 } },
      ],
      lastSegment: 3,
    });
    await log.close();
  });
});
