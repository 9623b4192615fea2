import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateLogs } from '../../src/generate/index.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import { countLines, query, runCli, spawnCli, tmpDir } from '../helpers.js';
import { makeStore } from './fixture.js';

let dataDir: string;
let dir: string;

beforeAll(async () => {
  ({ dataDir, dir } = await makeStore(6_000));
}, 120_000);

/** Waits for a line of the child's stdout that matches. */
async function waitForLine(child: ReturnType<typeof spawnCli>, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  let seen = '';
  const deadline = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    for await (const chunk of child.stdout) {
      seen += String(chunk);
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return line;
    }
  } finally {
    clearTimeout(deadline);
  }
  throw new Error(`no line matching ${pattern} in: ${seen}`);
}

describe('logscope serve, the process', () => {
  it('prints its URL on a line of its own, answers, and stops cleanly on Ctrl-C', async () => {
    const child = spawnCli(['serve', '--data', dataDir, '--port', '0']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const url = await waitForLine(child, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Volume by level');
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('stopping');
  });

  it('refuses another address without a token, naming the fix; LOGSCOPE_TOKEN is a token', async () => {
    const refused = runCli(['serve', '--data', dataDir, '--host', '0.0.0.0', '--port', '0'], { env: { LOGSCOPE_TOKEN: '' } });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^logscope: --host 0\.0\.0\.0 would let other machines read the logs: give --token T \(or set LOGSCOPE_TOKEN\)/);
    const child = spawnCli(['serve', '--data', dataDir, '--host', '0.0.0.0', '--port', '0'], { LOGSCOPE_TOKEN: 'a-token-from-the-environment' });
    const url = await waitForLine(child, /^http:\/\/0\.0\.0\.0:\d+\/$/);
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/api/overview`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/overview?range=all`, { headers: { Authorization: 'Bearer a-token-from-the-environment' } })).status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(((await exited) as [number | null])[0]).toBe(0);
  });

  it('refuses a port that is taken, naming it', async () => {
    const server = await startServer({ dataDir, port: 0 });
    try {
      const r = runCli(['serve', '--data', dataDir, '--port', String(server.port)]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`logscope: port ${server.port} on 127.0.0.1 is already in use`);
    } finally {
      await server.close();
    }
  });
});

describe('while an ingest commits', () => {
  let server: RunningServer;
  afterAll(async () => {
    await server?.close();
  });

  it('keeps answering from the last committed batch, and never blocks the ingest', async () => {
    server = await startServer({ dataDir, port: 0 });
    const before = Number((await query(dataDir, 'SELECT count(*) AS n FROM logs'))[0].n);
    const big = path.join(dir, 'more.log');
    await generateLogs({ lines: 20_000, format: 'syslog', out: big, seed: 11, days: 1, start: '2026-11-19T00:00:00Z' });
    // The lines reach the ingest in pieces through its stdin, each past a batch (small batches:
    // a commit per piece), the next piece only once the server has shown a count beyond the
    // last: whatever the machine's speed, the server answers between commits of one run.
    const text = fs.readFileSync(big);
    const pieces: Buffer[] = [];
    for (let at = 0; at < text.length; ) {
      let end = Math.min(text.length, at + (900 << 10));
      end = end === text.length ? end : text.indexOf(10, end) + 1;
      pieces.push(text.subarray(at, end));
      at = end;
    }
    const child = spawnCli(['ingest', '-', '--input-format', 'syslog', '--data', dataDir, '--chunk-size', '128K', '--batch-size', '256K', '--timezone', 'UTC', '-w', '1', '-q']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = once(child, 'exit');
    const seen: number[] = [];
    const statuses: number[] = [];
    const ask = async (): Promise<number | undefined> => {
      const res = await fetch(`${server.url}api/overview?range=all`);
      statuses.push(res.status);
      const lines = res.status === 200 ? ((await res.json()) as { totals: { lines: number } }).totals.lines : (await res.text(), undefined);
      if (lines !== undefined) seen.push(lines);
      const patterns = await fetch(`${server.url}api/patterns?range=all`);
      statuses.push(patterns.status);
      await patterns.text();
      return lines;
    };
    let shown = before;
    for (const piece of pieces.slice(0, -1)) {
      child.stdin.write(piece);
      const deadline = Date.now() + 60_000;
      for (let n = await ask(); (n ?? shown) <= shown && Date.now() < deadline; n = await ask()) await new Promise((r) => setTimeout(r, 100));
      expect(seen.at(-1), `no commit shown after a piece; stderr: ${stderr}`).toBeGreaterThan(shown);
      shown = seen.at(-1) as number;
    }
    child.stdin.end(pieces.at(-1));
    const [code] = (await exited) as [number | null];
    expect(code, stderr).toBe(0);
    expect(statuses.every((s) => s === 200), String(statuses)).toBe(true);
    // Counts only grow: each answer is one committed state, never a half-written batch.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    const after = Number((await query(dataDir, 'SELECT count(*) AS n FROM logs'))[0].n);
    expect(after).toBeGreaterThan(before);
    expect(after - before).toBeLessThanOrEqual(countLines(big));
    expect(seen.some((n) => n > before && n < after), `counts seen during the ingest: ${[...new Set(seen)].join(', ')} (before ${before}, after ${after})`).toBe(true);
    // The next request sees the last commit.
    const final = (await (await fetch(`${server.url}api/overview?range=all`)).json()) as { totals: { lines: number } };
    expect(final.totals.lines).toBe(after);
  });
});
