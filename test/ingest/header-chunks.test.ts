import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/ingest/index.js';
import { query, tmpDir } from '../helpers.js';

/**
 * An IIS log of `n` requests per block whose server restarts with other fields half way: block 1
 * has s-sitename and the status in column 12, block 2 no s-sitename and the status in column 9.
 * Request k has path /p/<k> and status 200, 302 or 404 (k % 3).
 */
function iisLog(n: number): { text: string; requests: number } {
  const lines: string[] = [];
  const status = (k: number) => [200, 302, 404][k % 3];
  lines.push('#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', '#Date: 2026-11-25 10:00:00');
  lines.push('#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken');
  for (let k = 0; k < n; k++) lines.push(`2026-11-25 10:${String(Math.floor(k / 60) % 60).padStart(2, '0')}:${String(k % 60).padStart(2, '0')} W3SVC1 10.0.0.5 GET /p/${k} - 443 - 198.51.100.7 Mozilla/5.0+(X11) ${status(k)} 0 0 15`);
  lines.push('#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', '#Date: 2026-11-25 12:00:00');
  lines.push('#Fields: date time s-ip cs-method cs-uri-stem s-port c-ip cs(User-Agent) sc-status time-taken');
  for (let k = n; k < 2 * n; k++) lines.push(`2026-11-25 12:${String(Math.floor((k - n) / 60) % 60).padStart(2, '0')}:${String(k % 60).padStart(2, '0')} 10.0.0.5 GET /p/${k} 443 203.0.113.4 Mozilla/5.0+(X11) ${status(k)} 15`);
  return { text: lines.join('\r\n') + '\r\n', requests: 2 * n };
}

async function checkRecords(data: string, requests: number, n: number): Promise<void> {
  const rows = await query(data, `SELECT message, service, level_raw, attrs->>'c-ip' AS client, attrs->>'cs(User-Agent)' AS agent FROM logs ORDER BY line`);
  expect(rows.length).toBe(requests);
  const wrong = rows.filter((r, k) => {
    const block1 = k < n;
    return r.message !== `GET /p/${k}` || r.service !== (block1 ? 'W3SVC1' : null) || r.level_raw !== String([200, 302, 404][k % 3]) || r.client !== (block1 ? '198.51.100.7' : '203.0.113.4') || r.agent !== 'Mozilla/5.0 (X11)';
  });
  expect(wrong.slice(0, 3)).toEqual([]);
}

describe('header-driven formats across chunks', () => {
  it('maps each chunk by the header in effect where it starts, when the header changes half way', async () => {
    const dir = tmpDir();
    const n = 400;
    const { text, requests } = iisLog(n);
    const file = path.join(dir, 'u_ex261125.log');
    fs.writeFileSync(file, text);
    for (const format of [{ name: 'auto', options: {} }, { name: 'w3c', options: {} }]) {
      const data = path.join(dir, `data-${format.name}`);
      const summary = await ingest({ inputs: [file], dataDir: data, format, workers: 2, chunkBytes: 2048, timezone: 'UTC' });
      const s = summary.sources[0];
      expect(s.format).toBe('w3c');
      expect({ parsed: s.parsed, unparsed: s.unparsed, blank: s.blank }).toEqual({ parsed: requests, unparsed: 0, blank: 8 });
      await checkRecords(data, requests, n);
    }
  });

  it('reads the header from before the offset when a file that grew is read on', async () => {
    const dir = tmpDir();
    const n = 300;
    const { text, requests } = iisLog(n);
    const file = path.join(dir, 'u_ex261125.log');
    // Up to a few lines into block 2, then the rest appended.
    const cut = text.indexOf('\r\n', text.indexOf('/p/' + String(n + 5) + ' ')) + 2;
    fs.writeFileSync(file, text.slice(0, cut));
    const data = path.join(dir, 'data');
    await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} }, workers: 2, chunkBytes: 2048, timezone: 'UTC' });
    fs.appendFileSync(file, text.slice(cut));
    const summary = await ingest({ inputs: [file], dataDir: data, format: { name: 'auto', options: {} }, workers: 2, chunkBytes: 2048, timezone: 'UTC' });
    expect(summary.sources[0].status).toBe('resumed');
    expect(summary.sources[0].unparsed).toBe(0);
    await checkRecords(data, requests, n);
  });
});
