import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createZone } from '../../src/parse/index.js';
import { runCli, tmpDir } from '../helpers.js';

const wall = (iso: string) => Date.parse(iso + 'Z') * 1000;

describe('time zones', () => {
  it('converts zone-less wall clocks of an IANA zone to UTC, on both sides of DST', () => {
    const paris = createZone('Europe/Paris');
    expect(paris(wall('2026-01-15T10:00:00'))).toBe(Date.parse('2026-01-15T09:00:00Z') * 1000);
    expect(paris(wall('2026-07-15T10:00:00.123') + 456)).toBe(Date.parse('2026-07-15T08:00:00.123Z') * 1000 + 456);
    const la = createZone('America/Los_Angeles');
    expect(la(wall('2005-06-03T15:42:50'))).toBe(Date.parse('2005-06-03T22:42:50Z') * 1000);
    // The first hour after the spring-forward change (02:00 -> 03:00 on 2026-03-29 in Paris).
    expect(paris(wall('2026-03-29T03:30:00'))).toBe(Date.parse('2026-03-29T01:30:00Z') * 1000);
    expect(createZone('UTC')(wall('2026-01-01T00:00:00'))).toBe(wall('2026-01-01T00:00:00'));
  });

  it('rejects an unknown zone name with a clear error', () => {
    expect(() => createZone('Mars/Olympus')).toThrow(ConfigError);
    expect(() => createZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('reads zone-less timestamps in --timezone and states the zone in the summary', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.log'), '2026-07-15 10:00:00 h app[1]: INFO summer\n');
    const data = path.join(dir, 'data');
    const r = runCli(['ingest', path.join(dir, 'a.log'), '--data', data, '--timezone', 'Europe/Paris']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('zone-less timestamps read as Europe/Paris');
    expect(runCli(['sql', '--data', data, '--format', 'csv', 'SELECT ts FROM logs']).stdout).toBe('ts\n2026-07-15 08:00:00+00\n');
    const bad = runCli(['ingest', path.join(dir, 'a.log'), '--data', data, '--timezone', 'Nowhere/Else']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/unknown time zone "Nowhere\/Else"/);
  });
});
