import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * Private instances of Debian's Dovecot (IMAP, LMTP, SASL) and Postfix (SMTP submission) for the
 * tests: config in a temp folder, loopback ports picked free, passwd-file users with a maildir
 * each, so no system service or system config is touched. Postfix authenticates SMTP clients
 * through Dovecot's auth service and delivers to Dovecot's LMTP, as a real mail host does.
 */
export type MailUser = { address: string; password: string };
export type MailServers = { host: string; imapPort: number; smtpPort: number; dir: string; users: MailUser[]; stop(): Promise<void> };

const HOST = '127.0.0.1';

/**
 * `n` distinct free loopback ports: every listener is held open until all are known. Asked one
 * at a time (each closed before the next), the system could hand out the same port twice, and
 * Dovecot refused its configuration ("duplicate listener").
 */
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  try {
    return await Promise.all(servers.map((srv) => new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, HOST, () => resolve((srv.address() as { port: number }).port));
    })));
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()))));
  }
}

async function waitForPort(port: number, proc: ChildProcess, log: () => string, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`${what} exited (${proc.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, HOST, () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen on ${port}: ${log()}`);
}

/** Root hands the maildirs to the `mail` user (Dovecot refuses mail access as uid 0); anyone else runs everything as themselves. */
function mailOwner(): { uid: number; gid: number; user: string } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, user: me.username };
  const id = (flag: string) => Number(spawnSync('id', [flag, 'mail'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g'), user: 'mail' };
}

function dovecotConfig(dir: string, ports: { imap: number; lmtp: number; auth: number }, owner: { uid: number; gid: number; user: string }): string {
  const me = userInfo();
  const root = me.uid === 0;
  return `
protocols = imap lmtp
listen = ${HOST}
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = vixiees-test-${ports.imap}
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = ${owner.uid}
last_valid_uid = ${owner.uid}
mail_location = maildir:${dir}/mail/%u
default_login_user = ${root ? 'dovenull' : me.username}
default_internal_user = ${root ? 'dovecot' : me.username}
${root ? '' : `default_internal_group = ${me.username}`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = ${HOST}
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = ${HOST}
    port = ${ports.lmtp}
  }
}
service auth {
  inet_listener {
    address = ${HOST}
    port = ${ports.auth}
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
`;
}

function postfixConfig(dir: string, ports: { smtp: number; lmtp: number; auth: number }, domain: string): { main: string; master: string } {
  const main = `
compatibility_level = 3.6
queue_directory = ${dir}/postfix-queue
data_directory = ${dir}/postfix-data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.${domain}
mydomain = ${domain}
myorigin = ${domain}
mydestination =
inet_interfaces = ${HOST}
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtputf8_enable = no
maillog_file = ${dir}/postfix.log
maillog_file_prefixes = ${dir}
virtual_mailbox_domains = ${domain}
virtual_transport = lmtp:inet:${HOST}:${ports.lmtp}
relay_transport = error:this test server relays nowhere
default_transport = error:this test server relays nowhere
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:${HOST}:${ports.auth}
smtpd_tls_security_level = none
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
alias_maps =
alias_database =
`;
  const master = `
${HOST}:${ports.smtp} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`;
  return { main, master };
}

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
};

/**
 * Starts Dovecot (and Postfix when `smtp` is set, which needs root, as Postfix always does) with
 * the given users. `stop` ends both and removes the folder.
 */
export async function startMailServers(users: MailUser[], opts: { smtp?: boolean; domain?: string } = {}): Promise<MailServers> {
  const domain = opts.domain ?? 'vixiees.test';
  const dir = mkdtempSync(join(tmpdir(), 'vixiees-mail-'));
  // The servers' own users (postfix, mail, dovenull) must reach their folders inside.
  chmodSync(dir, 0o755);
  const owner = mailOwner();
  for (const sub of ['run', 'state', 'mail']) mkdirSync(join(dir, sub), { recursive: true });
  chownSync(join(dir, 'mail'), owner.uid, owner.gid);
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.address}:{PLAIN}${u.password}::::::`).join('\n') + '\n', { mode: 0o644 });
  const [imap, lmtp, auth, smtp] = await freePorts(4);
  const ports = { imap: imap!, lmtp: lmtp!, auth: auth!, smtp: smtp! };
  writeFileSync(join(dir, 'dovecot.conf'), dovecotConfig(dir, ports, owner));
  const dovecot = spawn('/usr/sbin/dovecot', ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let dovecotOut = '';
  dovecot.stdout!.on('data', (d) => (dovecotOut += d));
  dovecot.stderr!.on('data', (d) => (dovecotOut += d));
  const readLog = (name: string) => () => {
    try {
      return `${dovecotOut}\n${spawnSync('tail', ['-n', '30', join(dir, name)], { encoding: 'utf8' }).stdout}`;
    } catch {
      return dovecotOut;
    }
  };
  await waitForPort(ports.imap, dovecot, readLog('dovecot.log'), 'dovecot');

  let postfixStarted = false;
  const stop = async () => {
    if (postfixStarted) spawnSync('/usr/sbin/postfix', ['-c', join(dir, 'postfix'), 'stop']);
    if (dovecot.exitCode === null) {
      const exited = new Promise((r) => dovecot.once('exit', r));
      dovecot.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (opts.smtp) try {
    const conf = join(dir, 'postfix');
    mkdirSync(conf);
    const { main, master } = postfixConfig(dir, ports, domain);
    writeFileSync(join(conf, 'main.cf'), main);
    writeFileSync(join(conf, 'master.cf'), master);
    for (const sub of ['postfix-queue', 'postfix-data']) mkdirSync(join(dir, sub));
    chownSync(join(dir, 'postfix-data'), Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim()), 0);
    run('/usr/sbin/postfix', ['-c', conf, 'start']);
    postfixStarted = true;
    const probe = spawn('sleep', ['30']);
    try {
      await waitForPort(ports.smtp, probe, readLog('postfix.log'), 'postfix');
    } finally {
      probe.kill();
    }
  } catch (err) {
    if (!process.env.KEEP_MAIL) await stop();
    throw err;
  }

  return {
    host: HOST,
    imapPort: ports.imap,
    smtpPort: ports.smtp,
    dir,
    users,
    stop,
  };
}
