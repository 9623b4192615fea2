import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, query, REPO, runCli, tmpDir } from '../helpers.js';

function lines(n: number, host: string): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `${new Date(Date.UTC(2026, 10, 25, 10) + i * 1000).toISOString()} ${host} app[1]: INFO line ${i + 1}\n`;
  return s;
}

/** Lines per host in the store. */
async function hosts(data: string): Promise<Record<string, unknown>[]> {
  return query(data, `SELECT host, count(*)::INT AS n FROM logs GROUP BY host ORDER BY host`);
}

/** Runs the CLI as the unprivileged user nobody (the tests run as root, whom chmod 000 does not stop). */
function runCliAsNobody(args: string[]) {
  return spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args], { encoding: 'utf8', cwd: REPO, env: { ...process.env, HOME: '/tmp' } });
}

// nobody must also reach the checkout: a clone in a private directory (mktemp -d, a 0700 home) is out of its reach.
const canDropPrivileges =
  process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, '--version'], { cwd: '/' }).status === 0;
if (process.getuid?.() === 0 && !canDropPrivileges) {
  console.warn('walk test: cannot run the CLI as user nobody here (no setpriv, or the checkout is not readable by other users): the unreadable-subdirectory test is SKIPPED');
}

describe('directory walks', () => {
  it.runIf(canDropPrivileges)('reports an unreadable subdirectory by name and ingests the rest of the directory', async () => {
    const dir = tmpDir();
    fs.chmodSync(dir, 0o777);
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(path.join(logs, 'a'), { recursive: true });
    fs.mkdirSync(path.join(logs, 'secret'));
    fs.writeFileSync(path.join(logs, 'a', 'x.log'), lines(10, 'x'));
    fs.writeFileSync(path.join(logs, 'secret', 'y.log'), lines(5, 'y'));
    fs.writeFileSync(path.join(logs, 'z.log'), lines(7, 'z'));
    fs.chmodSync(path.join(logs, 'secret'), 0o700); // root's: nobody cannot list it
    const data = path.join(dir, 'data');
    const r = runCliAsNobody(['ingest', logs, '--data', data, '--input-format', 'syslog']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`logscope: ${path.join(logs, 'secret')}: permission denied (cannot read); skipped, the other files are read`);
    expect(await hosts(data)).toEqual([
      { host: 'x', n: 10 },
      { host: 'z', n: 7 },
    ]);
  });

  it('skips binary files (wtmp, a journal file) and UTF-16 text with a warning and reads the logs beside them, also when named', async () => {
    const dir = tmpDir();
    const logs = path.join(dir, 'var-log');
    fs.mkdirSync(path.join(logs, 'journal'), { recursive: true });
    fs.writeFileSync(path.join(logs, 'syslog'), lines(6, 'h'));
    // utmp records: fixed-size binary structs full of NUL bytes.
    fs.writeFileSync(path.join(logs, 'wtmp'), Buffer.concat([Buffer.from([7, 0, 0, 0, 0x39, 0x30, 0, 0]), Buffer.from('pts/0'), Buffer.alloc(371)]));
    // Text with one NUL is binary too (grep's rule); a lone escape byte (colour codes) is not.
    fs.writeFileSync(path.join(logs, 'journal', 'system.journal'), Buffer.from('LPKSHHRH\0\0\0\0journal data'));
    fs.writeFileSync(path.join(logs, 'colour.log'), lines(3, 'c').replace('INFO', '\x1b[32mINFO\x1b[0m'));
    // A Windows log written as UTF-16, with and without its byte order mark.
    fs.writeFileSync(path.join(logs, 'setup.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(2, 'w'), 'utf16le')]));
    fs.writeFileSync(path.join(logs, 'nobom.log'), Buffer.from(lines(2, 'w'), 'utf16le'));
    const data = path.join(dir, 'data');
    const r = await runCli(['ingest', logs, '--data', data, '--input-format', 'syslog']);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['wtmp', path.join('journal', 'system.journal')]) {
      expect(r.stdout).toContain(`warning: ${path.join(logs, f)}: skipped: binary data (NUL or control bytes in its first 4096 bytes), not a text log; a log with NUL bytes in it: tr -d '\\000' < FILE | logscope ingest -`);
    }
    for (const f of ['setup.log', 'nobom.log']) {
      expect(r.stdout).toContain(`warning: ${path.join(logs, f)}: skipped: UTF-16 text, which logscope cannot read yet; convert it first (iconv -f UTF-16 -t UTF-8 ${path.join(logs, f)} | logscope ingest -)`);
    }
    expect(await hosts(data)).toEqual([
      { host: 'c', n: 3 },
      { host: 'h', n: 6 },
    ]);
    const named = await runCli(['ingest', path.join(logs, 'wtmp'), '--data', path.join(dir, 'data2')]);
    expect(named.status).toBe(0);
    expect(named.stdout).toContain(`warning: ${path.join(logs, 'wtmp')}: skipped: binary data`);
  });

  it('follows symlinks to files once each, names broken links, loops, FIFOs and sockets as skipped, and exits 0', async () => {
    // As on a Kubernetes node: /var/log/containers holds only symlinks into /var/log/pods.
    const dir = tmpDir();
    const pods = path.join(dir, 'pods');
    const containers = path.join(dir, 'containers');
    fs.mkdirSync(path.join(pods, 'p1'), { recursive: true });
    fs.mkdirSync(path.join(pods, 'p2'));
    fs.mkdirSync(containers);
    fs.writeFileSync(path.join(pods, 'p1', '0.log'), lines(12, 'p1'));
    fs.writeFileSync(path.join(pods, 'p2', '0.log'), lines(8, 'p2'));
    fs.symlinkSync(path.join(pods, 'p1', '0.log'), path.join(containers, 'p1.log'));
    fs.symlinkSync(path.join(pods, 'p2', '0.log'), path.join(containers, 'p2.log'));
    fs.symlinkSync('../pods/p1/0.log', path.join(containers, 'z-same-as-p1.log'));
    fs.symlinkSync(path.join(pods, 'p3', '0.log'), path.join(containers, 'p3.log'));
    fs.symlinkSync('.', path.join(containers, 'self'));
    expect(spawnSync('mkfifo', [path.join(containers, 'pipe')]).status).toBe(0);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(containers, 'sock'), resolve));
    const data = path.join(dir, 'data');
    const r = runCli(['ingest', containers, '--data', data, '--input-format', 'syslog']);
    server.close();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`warning: ${path.join(containers, 'p3.log')}: broken symlink (to ${path.join(pods, 'p3', '0.log')}): skipped`);
    expect(r.stdout).toContain(`warning: ${path.join(containers, 'self')}: symlink loop (leads back to ${containers}): not followed`);
    expect(r.stdout).toContain(`warning: ${path.join(containers, 'pipe')}: skipped: a FIFO (named pipe), not a log file`);
    expect(r.stdout).toContain(`warning: ${path.join(containers, 'sock')}: skipped: a socket, not a log file`);
    expect(await query(data, `SELECT source, count(*)::INT AS n FROM logs GROUP BY source ORDER BY source`)).toEqual([
      { source: path.join(containers, 'p1.log'), n: 12 },
      { source: path.join(containers, 'p2.log'), n: 8 },
    ]);
  });

  it('walks a symlinked subdirectory once, however many links lead to it', async () => {
    const dir = tmpDir();
    const logs = path.join(dir, 'logs');
    const real = path.join(dir, 'real');
    fs.mkdirSync(logs);
    fs.mkdirSync(real);
    fs.writeFileSync(path.join(real, 'r.log'), lines(6, 'r'));
    fs.symlinkSync(real, path.join(logs, 'one'));
    fs.symlinkSync(real, path.join(logs, 'two'));
    const data = path.join(dir, 'data');
    const r = runCli(['ingest', logs, '--data', data, '--input-format', 'syslog', '--json']);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).sources.map((s: { source: string }) => s.source)).toEqual([path.join(logs, 'one', 'r.log')]);
    expect(await hosts(data)).toEqual([{ host: 'r', n: 6 }]);
  });
});
