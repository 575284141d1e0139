import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../lib/errors.ts';

/**
 * Integration secrets at rest: AES-256-GCM with a random 96-bit IV per sealing. The key comes from
 * `VIXIEES_SECRETS_KEY` (base64 of 32 bytes; a comma-separated list while rotating: the first
 * seals, every one opens) or, when unset, from a random key made once per installation and kept
 * in `instance_secrets`. A sealed value names its key (`v1.<key id>.<iv>.<tag>.<ciphertext>`), so
 * values sealed with an older key still open after rotation and are re-sealed on the next write.
 */
export type SecretBox = {
  seal(value: Record<string, string>): Promise<string>;
  open(sealed: string): Promise<Record<string, string>>;
};

type Key = { id: string; bytes: Buffer };

const keyId = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

export function parseKeyring(value: string): Key[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const bytes = Buffer.from(s, 'base64');
      if (bytes.length !== 32) throw new Error('VIXIEES_SECRETS_KEY: each key must be 32 bytes, base64-encoded');
      return { id: keyId(bytes), bytes };
    });
}

/** A fresh key, base64, as `VIXIEES_SECRETS_KEY` or the stored one takes it. */
export const newSecretKey = (): string => randomBytes(32).toString('base64');

export function makeSecretBox(source: { envKey?: string; loadStoredKey: () => Promise<string> }): SecretBox {
  let keys: Promise<Key[]> | undefined;
  const keyring = () => {
    keys ??= (source.envKey ? Promise.resolve(source.envKey) : source.loadStoredKey()).then(parseKeyring).catch((err: unknown) => {
      keys = undefined;
      throw err;
    });
    return keys;
  };

  return {
    async seal(value) {
      const [key] = await keyring();
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key!.bytes, iv);
      const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return ['v1', key!.id, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join('.');
    },
    async open(sealed) {
      const [v, id, iv, tag, ct] = sealed.split('.');
      const key = (await keyring()).find((k) => k.id === id);
      if (v !== 'v1' || !key || !iv || !tag || ct === undefined) {
        throw new AppError('integration_secrets_unreadable', 'The integration secrets were sealed with a key this server does not have (see VIXIEES_SECRETS_KEY)', { status: 500 });
      }
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
      return JSON.parse(plain) as Record<string, string>;
    },
  };
}
