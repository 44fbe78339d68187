import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptPii, encryptPii, isEncryptedPii, parsePiiKeys, PiiKeyError, tryDecryptPii } from './pii-crypto.ts';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64url');

describe('parsePiiKeys', () => {
  it('takes the first key to encrypt and every key to decrypt', () => {
    const ring = parsePiiKeys(`2025b:${k2}, 2025a:${k1}`);
    expect(ring.primary).toBe('2025b');
    expect([...ring.keys.keys()]).toEqual(['2025b', '2025a']);
    expect(ring.keys.get('2025a')!.length).toBe(32);
  });

  it('refuses a key that is not 32 bytes, a missing key id, a repeated id or an empty list, without echoing the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parsePiiKeys(`k:${short}`)).toThrow(/32 bytes.*got 16/);
    // The message never echoes the key (compared as text: base64 may start with `+`, which a RegExp would reject).
    const message = (() => {
      try {
        parsePiiKeys(`k:${short}`);
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/32 bytes/);
    expect(message).not.toContain(short.slice(0, 8));
    expect(() => parsePiiKeys(k1)).toThrow(PiiKeyError);
    expect(() => parsePiiKeys(`a:${k1},a:${k2}`)).toThrow(/twice/);
    expect(() => parsePiiKeys(' , ')).toThrow(/no key/);
    expect(() => parsePiiKeys('k:not base64 at all!')).toThrow(/32 bytes/);
  });
});

describe('encryptPii / decryptPii', () => {
  const ring = parsePiiKeys(`a:${k1}`);

  it('round-trips Chinese text, with a fresh IV each time and the key id in the clear', () => {
    const one = encryptPii('欧阳娜娜', ring);
    const two = encryptPii('欧阳娜娜', ring);
    expect(one).toMatch(/^enc:v1:a:[A-Za-z0-9+/=]+$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain('欧阳');
    expect(decryptPii(one, ring)).toBe('欧阳娜娜');
    expect(isEncryptedPii(one)).toBe(true);
  });

  it('leaves the empty string empty and reads a value stored before the key as it is', () => {
    expect(encryptPii('', ring)).toBe('');
    expect(decryptPii('13812345678', ring)).toBe('13812345678');
    expect(decryptPii('13812345678', undefined)).toBe('13812345678');
  });

  it('still decrypts values of an older key after rotation, and encrypts with the new one', () => {
    const old = encryptPii('500118199001011234', ring);
    const rotated = parsePiiKeys(`b:${k2},a:${k1}`);
    expect(decryptPii(old, rotated)).toBe('500118199001011234');
    expect(encryptPii('x', rotated)).toMatch(/^enc:v1:b:/);
  });

  it('refuses a value whose key is gone, that was altered, or moved to another key id', () => {
    const value = encryptPii('张三', ring);
    expect(() => decryptPii(value, parsePiiKeys(`b:${k2}`))).toThrow(/key id "a"/);
    expect(() => decryptPii(value, undefined)).toThrow(/PII_KEY is not set/);
    const body = Buffer.from(value.slice('enc:v1:a:'.length), 'base64');
    body[body.length - 1]! ^= 1;
    expect(() => decryptPii(`enc:v1:a:${body.toString('base64')}`, ring)).toThrow(/does not authenticate/);
    const sameKeyOtherId = parsePiiKeys(`a:${k1},c:${k1}`);
    expect(() => decryptPii(value.replace('enc:v1:a:', 'enc:v1:c:'), sameKeyOtherId)).toThrow(/does not authenticate/);
    expect(tryDecryptPii(value, parsePiiKeys(`b:${k2}`))).toBeUndefined();
  });
});
