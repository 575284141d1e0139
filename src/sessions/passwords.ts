import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { AppError, type FieldError } from '../lib/errors.ts';

/**
 * Argon2id at OWASP's first recommended setting (m = 19 MiB, t = 2, p = 1), PHC string, 16-byte
 * salt (the library's own). Hashing runs on libuv's thread pool (the async API), and at most
 * HASH_CONCURRENCY hashes run at once, so a burst of sign-ins queues here instead of taking every
 * pool thread (file and DNS work share them) and 19 MiB each.
 */
export const ARGON2_POLICY = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const OPTIONS: Options = { ...ARGON2_POLICY, algorithm: 2 as Algorithm /* Argon2id */ };
const HASH_CONCURRENCY = 2;

let running = 0;
const waiting: (() => void)[] = [];
async function capped<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export const hashPassword = (password: string): Promise<string> => capped(() => hash(password, OPTIONS));

/** False for a wrong password and for a stored value that is not an Argon2 hash. */
export const verifyPassword = (stored: string, password: string): Promise<boolean> => capped(() => verify(stored, password).catch(() => false));

/** A stored hash below today's policy is replaced at the next successful sign-in (R32). */
export function needsRehash(stored: string): boolean {
  try {
    const p = parseOptions(stored);
    return p.algorithm !== 2 || p.memoryCost < ARGON2_POLICY.memoryCost || p.timeCost < ARGON2_POLICY.timeCost;
  } catch {
    return true;
  }
}

/**
 * What an unknown email is verified against, so a miss costs the same Argon2 work as a wrong
 * password (no timing difference between "no such user" and "wrong password"). Made once.
 */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(18).toString('base64url')));

/**
 * Password policy (ASVS 6.2, NIST 800-63B): 12 to 128 characters, any characters, no
 * composition rules, no truncation. 12 rather than 8: there is no second factor yet, so the
 * password alone guards the account, and 12 random-ish characters put an offline attack on an
 * Argon2id hash far out of reach while a passphrase of three words still fits. 128 at most: the
 * hash is slow and takes the whole password, so a cap keeps a request from buying minutes of CPU.
 * Refused: the account's email (or its local part) and a short list of the commonest passwords
 * that pass the length rule.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

const COMMON = new Set([
  '123456789012', '1234567890123', '12345678901234', '123456789012345', '1234567891011', '111111111111', '000000000000',
  'password1234', 'password12345', 'password123456', 'passwordpassword', 'password1234!', 'p@ssw0rd1234', 'passw0rd1234',
  'qwertyuiop12', 'qwertyuiopasdf', 'qwertyqwerty', 'qwerty123456', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'qazwsxedcrfv', 'asdfghjkl123', 'zxcvbnm12345',
  'iloveyou1234', 'letmein12345', 'welcome12345', 'welcome123456', 'changeme1234', 'administrator', 'admin1234567', 'abcdefghijkl', 'abcdefgh1234',
  'abc123456789', 'trustno11234', 'football1234', 'baseball1234', 'superman1234', 'sunshine1234', 'princess1234', 'dragon123456', 'monkey123456',
  'contraseña123', 'contraseña1234', 'contrasena123', 'contrasena1234', 'contraseña12345', 'micontraseña', 'holamundo123', 'barcelona1234',
  'realmadrid123', 'teamo1234567', 'vixiees12345', 'vixieesvixiees', 'correcthorsebatterystaple',
]);

export function passwordProblems(password: string, email: string, at = '/password'): FieldError[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return [{ pointer: at, code: 'too_short', message: `Use at least ${PASSWORD_MIN} characters` }];
  if (length > PASSWORD_MAX) return [{ pointer: at, code: 'too_long', message: `Use at most ${PASSWORD_MAX} characters` }];
  const lower = password.normalize('NFKC').toLowerCase();
  const mail = email.trim().toLowerCase();
  if (lower === mail || lower === mail.split('@')[0]) return [{ pointer: at, code: 'password_is_email', message: 'The password may not be your email address' }];
  if (COMMON.has(lower) || new Set(lower).size <= 2) return [{ pointer: at, code: 'password_too_common', message: 'This password is too common; choose another' }];
  return [];
}

export function assertPasswordAllowed(password: string, email: string, at = '/password'): void {
  const errors = passwordProblems(password, email, at);
  if (errors.length) throw new AppError('validation_failed', errors[0]!.message, { errors });
}
