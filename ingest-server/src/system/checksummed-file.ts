import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The file format of the snapshots kept in DATA_DIR (the dedup filter, the open-case index): an 8-byte magic,
 * the header's length (u32 LE), the header as JSON, the data bytes, then the SHA-256 of all that. Written to a
 * temporary file, fsynced and renamed, so a SIGKILL leaves the file before it whole; read back with its size
 * and checksum verified, so a torn or corrupt file is named as such and never used.
 */
const DIGEST_BYTES = 32;
/** Data is hashed and written in chunks of at most this: the event loop is never held for long. */
export const CHUNK = 8 * 1024 * 1024;
const MAX_HEADER = 64 * 1024;

export interface ChecksummedWrite {
  file: string;
  /** Eight ASCII bytes naming the kind of file and its format (e.g. `TBDEDUP1`). */
  magic: Buffer;
  header: object;
  /** The data, in order; produced lazily, so a chunk can be copied just before it is hashed and written. */
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** The file it replaces is kept under this name (the previous snapshot). */
  keepPrevious?: string;
}

/** Writes a checksummed file atomically; returns its size in bytes. */
export async function writeChecksummedFile(w: ChecksummedWrite): Promise<number> {
  const tmp = `${w.file}.${process.pid}.tmp`;
  await mkdir(path.dirname(w.file), { recursive: true });
  const json = Buffer.from(JSON.stringify(w.header));
  const head = Buffer.alloc(w.magic.length + 4);
  w.magic.copy(head);
  head.writeUInt32LE(json.length, w.magic.length);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const fh = await open(tmp, 'w');
    try {
      const put = async (b: Uint8Array) => {
        hash.update(b);
        await fh.write(b);
        bytes += b.length;
      };
      await put(head);
      await put(json);
      for await (const chunk of w.chunks) {
        for (let off = 0; off < chunk.length; off += CHUNK) await put(chunk.subarray(off, Math.min(chunk.length, off + CHUNK)));
      }
      const digest = hash.digest();
      await fh.write(digest);
      bytes += digest.length;
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (w.keepPrevious && existsSync(w.file)) await rename(w.file, w.keepPrevious);
    await rename(tmp, w.file);
    return bytes;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Reads a checksummed file. `targets` names, from the header, the buffers its data fills in order (their total
 * length is the data's expected length), or a problem (a header of another format or shape). The targets hold
 * unverified bytes whenever a problem is returned after they were named.
 */
export async function readChecksummedFile<H>(
  file: string,
  magic: Buffer,
  what: string,
  targets: (header: H) => Uint8Array[] | { problem: string },
): Promise<{ header: H } | { problem: string }> {
  const fh = await open(file, 'r');
  try {
    const size = (await stat(file)).size;
    const head = Buffer.alloc(magic.length + 4);
    if (size < head.length || (await fh.read(head, 0, head.length, 0)).bytesRead < head.length || !head.subarray(0, magic.length).equals(magic)) {
      return { problem: `not ${what} (torn or foreign)` };
    }
    const jsonLength = head.readUInt32LE(magic.length);
    if (jsonLength > MAX_HEADER || size < head.length + jsonLength) return { problem: 'torn header' };
    const json = Buffer.alloc(jsonLength);
    await fh.read(json, 0, jsonLength, head.length);
    let header: H;
    try {
      header = JSON.parse(json.toString('utf8')) as H;
    } catch {
      return { problem: 'unreadable header' };
    }
    const into = targets(header);
    if (!Array.isArray(into)) return into;
    const dataBytes = into.reduce((n, t) => n + t.byteLength, 0);
    const expected = head.length + jsonLength + dataBytes + DIGEST_BYTES;
    if (size !== expected) return { problem: `torn: ${size} bytes, expected ${expected}` };
    const hash = createHash('sha256').update(head).update(json);
    let pos = head.length + jsonLength;
    for (const t of into) {
      for (let off = 0; off < t.byteLength; off += CHUNK) {
        const len = Math.min(CHUNK, t.byteLength - off);
        await fh.read(t, off, len, pos);
        hash.update(t.subarray(off, off + len));
        pos += len;
      }
    }
    const digest = Buffer.alloc(DIGEST_BYTES);
    await fh.read(digest, 0, DIGEST_BYTES, pos);
    if (!hash.digest().equals(digest)) return { problem: 'checksum mismatch (corrupt)' };
    return { header };
  } finally {
    await fh.close();
  }
}
