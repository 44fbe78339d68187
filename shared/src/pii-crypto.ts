import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/*
 * Encryption at rest of applicants' personal data (PII_KEY). AES-256-GCM with a random 12-byte IV per value;
 * a stored value reads `enc:v1:<keyId>:<base64(iv | tag | ciphertext)>`. The key id names the key, so keys
 * rotate: the first key of the ring encrypts, every key of it decrypts. A value without the prefix was
 * stored before a key was configured and is read as it is.
 *
 * Node only (node:crypto): imported as `@tongban/shared/pii-crypto`, never through the package index that
 * the dashboard reads.
 */

export const ENCRYPTED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$|^[A-Za-z0-9_-]+$/;

/** The configured keys: `primary` encrypts, any of `keys` decrypts. */
export interface PiiKeyring {
  readonly primary: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class PiiKeyError extends Error {}

/**
 * Parses `keyId:base64key[,keyId:base64key…]` (each key 32 bytes, standard or URL-safe base64): the first
 * key encrypts, all decrypt. Throws a PiiKeyError naming the problem, never echoing a key.
 */
export function parsePiiKeys(spec: string): PiiKeyring {
  const keys = new Map<string, Buffer>();
  let primary: string | undefined;
  const entries = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (!entries.length) throw new PiiKeyError('PII_KEY: no key given (keyId:base64key[,keyId:base64key…])');
  entries.forEach((entry, i) => {
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    const b64 = entry.slice(at + 1);
    if (!KEY_ID.test(id)) throw new PiiKeyError(`PII_KEY: key ${i + 1} must be keyId:base64key with a key id of letters, digits, - or _ (at most 32)`);
    if (keys.has(id)) throw new PiiKeyError(`PII_KEY: key id "${id}" is given twice`);
    const key = BASE64.test(b64) ? Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) throw new PiiKeyError(`PII_KEY: key "${id}" must be ${KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`), got ${key.length}`);
    keys.set(id, key);
    primary ??= id;
  });
  return { primary: primary!, keys };
}

export function isEncryptedPii(value: string): boolean {
  return value.startsWith(ENCRYPTED_PREFIX);
}

/** Encrypts a value with the ring's primary key. The empty string (no value) stays empty. */
export function encryptPii(plain: string, ring: PiiKeyring): string {
  if (plain === '') return '';
  const head = `${ENCRYPTED_PREFIX}${ring.primary}:`;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.primary)!, iv);
  // The header is authenticated too: a value cannot be passed off as another key's.
  cipher.setAAD(Buffer.from(head));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return head + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/**
 * The plain value of a stored one: decrypted when it carries the prefix, as it is otherwise (stored before a
 * key was set). Throws a PiiKeyError when its key is not in the ring or it was altered.
 */
export function decryptPii(stored: string, ring: PiiKeyring | undefined): string {
  if (!isEncryptedPii(stored)) return stored;
  const rest = stored.slice(ENCRYPTED_PREFIX.length);
  const at = rest.indexOf(':');
  const id = rest.slice(0, at);
  const key = at > 0 ? ring?.keys.get(id) : undefined;
  if (!key) throw new PiiKeyError(ring ? `no PII_KEY with key id "${id}" to decrypt a stored value` : 'a stored value is encrypted and PII_KEY is not set');
  const raw = Buffer.from(rest.slice(at + 1), 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new PiiKeyError('a stored encrypted value is truncated');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`${ENCRYPTED_PREFIX}${id}:`));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new PiiKeyError(`a stored value encrypted with key "${id}" does not authenticate (altered, or another key under that id)`);
  }
}

/** Like decryptPii, but undefined instead of an error: for reads that must go on (derivation, masked outputs). */
export function tryDecryptPii(stored: string, ring: PiiKeyring | undefined): string | undefined {
  try {
    return decryptPii(stored, ring);
  } catch {
    return undefined;
  }
}
