import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createZone } from '../../src/parse/index.js';
import { daysFromCivil } from '../../src/parse/timestamp.js';
import { runCli, runCliHere, tmpDir } from '../helpers.js';

const wall = (iso: string) => Date.parse(iso + 'Z') * 1000;

describe('time zones', () => {
  it('converts zone-less wall clocks of an IANA zone to UTC, on both sides of DST', async () => {
    const paris = createZone('Europe/Paris');
    expect(paris(wall('2026-01-15T10:00:00'))).toBe(Date.parse('2026-01-15T09:00:00Z') * 1000);
    expect(paris(wall('2026-07-15T10:00:00.123') + 456)).toBe(Date.parse('2026-07-15T08:00:00.123Z') * 1000 + 456);
    const la = createZone('America/Los_Angeles');
    expect(la(wall('2005-06-03T15:42:50'))).toBe(Date.parse('2005-06-03T22:42:50Z') * 1000);
    // The first hour after the spring-forward change (02:00 -> 03:00 on 2026-03-29 in Paris).
    expect(paris(wall('2026-03-29T03:30:00'))).toBe(Date.parse('2026-03-29T01:30:00Z') * 1000);
    expect(createZone('UTC')(wall('2026-01-01T00:00:00'))).toBe(wall('2026-01-01T00:00:00'));
  });

  it('rejects an unknown zone name with a clear error', async () => {
    expect(() => createZone('Mars/Olympus')).toThrow(ConfigError);
    expect(() => createZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('reads zone-less timestamps in --timezone and states the zone in the summary', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.log'), '2026-07-15 10:00:00 h app[1]: INFO summer\n');
    const data = path.join(dir, 'data');
    const r = (await runCliHere(['ingest', path.join(dir, 'a.log'), '--data', data, '--timezone', 'Europe/Paris']));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('zone-less timestamps read as Europe/Paris');
    expect((await runCliHere(['sql', '--data', data, '--format', 'csv', 'SELECT ts FROM logs'])).stdout).toBe('ts\n2026-07-15T08:00:00.000Z\n');
    const bad = (await runCliHere(['ingest', path.join(dir, 'a.log'), '--data', data, '--timezone', 'Nowhere/Else']));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/unknown time zone "Nowhere\/Else"/);
  });
});

describe('daysFromCivil', () => {
  it('matches Date.UTC for dates in any order, repeated or alternating (its last-date cache never answers for another date)', async () => {
    const dates: Array<[number, number, number]> = [];
    for (let y = 1969; y <= 2101; y += 11) for (let m = 1; m <= 12; m++) dates.push([y, m, 1], [y, m, 28], [y, m, 28], [y + 1, m, 28], [y, m === 12 ? 1 : m + 1, 28]);
    dates.push([2024, 2, 29], [2024, 2, 29], [2023, 2, 28], [2000, 3, 1], [1970, 1, 1], [1970, 1, 2], [1970, 2, 1]);
    for (const [y, m, d] of dates) expect(daysFromCivil(y, m, d)).toBe(Date.UTC(y, m - 1, d) / 86_400_000);
  });
});
