import type { BudgetState, RateLimitStore } from '../lib/http/rate-limit.ts';

/**
 * Brute-force and credential-stuffing budgets for password checks (R33), counted in the database
 * (`rate_limits`, shared by every process). Only failures are counted, and a spent budget refuses
 * with 429 and Retry-After before any hash is computed.
 *
 * - Per account and IP, in growing windows: 5 failures a minute, 10 in 5 min, 20 in 15 min.
 *   Each tier spent doubles-or-more the wait (1 → 5 → 15 min), and the wait never exceeds 15 min.
 * - Per account from all IPs: 50 in 15 min. A distributed attack is slowed to that pace; an
 *   attacker at one address spends its own (account, IP) budget long before this one, so the
 *   real user, from another address, keeps signing in.
 * - Per IP over all accounts: 30 in 5 min, 100 in 15 min (one address trying many accounts).
 * - Per network (IPv4 /24, IPv6 /64) over all accounts: 300 in 15 min, so rotating addresses
 *   inside one block buys little; ten times the per-IP budget, so one office behind many
 *   addresses of a block is not refused for its colleagues' typos.
 *
 * No lockout is permanent: every budget is a window that ends, and the account is never marked
 * locked, so nobody can keep a victim out for longer than the attack itself lasts.
 */
type Tier = { key: string; limit: number; windowMs: number };

const MIN = 60_000;

/** The address's network: the /24 of an IPv4 address (also IPv4-mapped IPv6), the /64 of an IPv6 one. */
export function networkOf(ip: string): string {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+)\.\d+$/i.exec(ip);
  if (v4) return `${v4[1]}.0/24`;
  const groups = ip.split('::')[0]!.split(':');
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function tiersOf(email: string, ip: string): Tier[] {
  const account = email.trim().toLowerCase();
  return [
    { key: `signin:acct-ip:${account}:${ip}:1m`, limit: 5, windowMs: MIN },
    { key: `signin:acct-ip:${account}:${ip}:5m`, limit: 10, windowMs: 5 * MIN },
    { key: `signin:acct-ip:${account}:${ip}:15m`, limit: 20, windowMs: 15 * MIN },
    { key: `signin:acct:${account}:15m`, limit: 50, windowMs: 15 * MIN },
    { key: `signin:ip:${ip}:5m`, limit: 30, windowMs: 5 * MIN },
    { key: `signin:ip:${ip}:15m`, limit: 100, windowMs: 15 * MIN },
    { key: `signin:net:${networkOf(ip)}:15m`, limit: 300, windowMs: 15 * MIN },
  ];
}

const byWindow = (tiers: Tier[]) => {
  const groups = new Map<number, Tier[]>();
  for (const t of tiers) groups.set(t.windowMs, [...(groups.get(t.windowMs) ?? []), t]);
  return groups;
};

export function makeSignInBudget(store: RateLimitStore) {
  return {
    /** The spent budget that refuses this attempt (the one that ends last), if any. */
    async check(email: string, ip: string): Promise<BudgetState | undefined> {
      let refusing: BudgetState | undefined;
      for (const [windowMs, tiers] of byWindow(tiersOf(email, ip))) {
        const windows = await store.peek(tiers.map((t) => t.key), windowMs);
        for (const t of tiers) {
          const w = windows.get(t.key)!;
          if (w.hits < t.limit) continue;
          const policy = t.key.startsWith('signin:ip:') ? 'sign-in-ip' : t.key.startsWith('signin:net:') ? 'sign-in-network' : t.key.startsWith('signin:acct:') ? 'sign-in-account' : 'sign-in-account-ip';
          if (!refusing || w.resetAt > refusing.resetAt) refusing = { policy, limit: t.limit, windowMs, remaining: 0, resetAt: w.resetAt };
        }
      }
      return refusing;
    },
    /** Counts one failed password check against every budget of this account and address. */
    async record(email: string, ip: string): Promise<void> {
      for (const [windowMs, tiers] of byWindow(tiersOf(email, ip))) await store.hit(tiers.map((t) => t.key), windowMs);
    },
  };
}

export type SignInBudget = ReturnType<typeof makeSignInBudget>;
