/**
 * People who sign in, in the data directory's ClickHouse (stop the server first: embedded ClickHouse is one
 * process per directory; against a ClickHouse server, CLICKHOUSE_URL, it may run).
 *
 *   pnpm user add <username> --role admin|supervisor|analyst|viewer [--district 500118] [--name 张三] [--data-dir ./data]
 *   pnpm user list [--data-dir ./data]
 *
 * The password is asked for twice at a terminal, or read from the first line of stdin for scripts
 * (`printf '%s\n' "$PASSWORD" | pnpm user add …`). On a running server the admin API does the same:
 * POST /api/v1/users.
 */
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { AUTH_MIGRATIONS } from '../auth/auth.migrations.ts';
import { ROLES, type Role } from '../auth/principal.ts';
import { UserDirectory, validateUser } from '../auth/users.store.ts';
import { clickhouseLayout, createClickhouse } from '../clickhouse/clickhouse-client.ts';
import { MIGRATIONS, migrate } from '../clickhouse/migrations.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { lockDataDir } from '../data-dir-lock.ts';

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) return line;
    return '';
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      process.stdout.write(prompt);
      const stdin = process.stdin;
      stdin.setRawMode(true);
      let value = '';
      const onData = (b: Buffer) => {
        for (const ch of b.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.setRawMode(false);
            stdin.off('data', onData);
            stdin.pause();
            process.stdout.write('\n');
            return resolve(value);
          }
          if (ch === '\u0003') process.exit(130);
          value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
        }
      };
      stdin.resume();
      stdin.on('data', onData);
    });
  const first = await ask('密码 / password: ');
  const second = await ask('再次输入 / again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, district: { type: 'string' }, name: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const [command, username] = positionals;
  if (command !== 'list' && (command !== 'add' || !username)) throw new Error('usage: pnpm user add <username> --role <role> [--district <code>] [--name <name>] | pnpm user list');
  // Read before ClickHouse starts: embedded ClickHouse would take a piped stdin as data of its first INSERT.
  const password = command === 'add' ? await readPassword() : '';
  process.stdin.destroy();
  const base = loadConfig();
  const config = { ...base, dataDir: values['data-dir'] ? path.resolve(values['data-dir']) : base.dataDir };
  const release = config.clickhouseUrl ? () => undefined : lockDataDir(config.dataDir, 'user');
  const ch = createClickhouse(config);
  try {
    await migrate(ch, config.clickhouseDatabase, [...MIGRATIONS, ...AUTH_MIGRATIONS], clickhouseLayout(config));
    const users = new UserDirectory(ch, config.clickhouseDatabase);
    await users.load(false);
    if (command === 'list') {
      for (const u of users.list()) console.log(`${u.username}\t${u.role}\t${u.districtCode ?? '全市'}\t${u.name}${u.disabled ? '\t(disabled)' : ''}`);
      return;
    }
    const input = { username: username!, name: values.name, role: values.role, districtCode: values.district ?? null, password };
    const errors = validateUser(input, true);
    if (errors.length) throw new Error(errors.join('; '));
    const user = await users.create({ ...input, role: input.role as Role });
    console.log(`added ${user.username} (${user.role}${user.districtCode ? `, ${user.districtCode}` : ''}); roles are ${ROLES.join(', ')}`);
  } finally {
    await ch.close();
    release();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : `user: ${(err as Error).message}`);
  process.exit(1);
});
