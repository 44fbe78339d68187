import { hash, verify } from '@node-rs/argon2';

/** argon2id (the library's default algorithm) with its default cost (19 MiB, t=2, p=1, OWASP's recommendation). */
export const hashPassword = (password: string): Promise<string> => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never lets anyone in
  }
}

/** A hash to check against when the user does not exist, so an unknown name costs as long as a wrong password. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword('decoy: no such user'));
