import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderEmail, type RenderedEmail } from '../../src/alerts/email.js';
import { messageIdFor } from '../../src/alerts/message-id.js';
import { REPO, tmpDir } from '../helpers.js';
import { anomalyFiring, digestFiring } from './firings.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(REPO, 'test-output');

/** The HTML as a mail client shows it: inline images resolved from their Content-IDs. */
function withImages(email: RenderedEmail): string {
  let html = email.html;
  for (const a of email.attachments) html = html.split(`cid:${a.cid}`).join(`data:${a.contentType};base64,${a.content.toString('base64')}`);
  return html;
}

describe('renderEmail', () => {
  it('escapes every value in the HTML part and keeps the subject on one line', () => {
    const email = renderEmail([
      anomalyFiring({ rule: 'r<1>', series: 'service="a&b"', title: 'bad <b>title</b>\r\nBcc: x@evil.example', details: ['<img src=x onerror=alert(1)>'], sql: "SELECT '</pre><script>'" }),
    ]);
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain('bad <b>title</b> Bcc: x@evil.example');
    expect(email.html).not.toMatch(/<b>title|<img src=x|<script>|<\/pre><script>/);
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('service=&quot;a&amp;b&quot;');
    expect(email.html).toContain('SELECT &#39;&lt;/pre&gt;&lt;script&gt;&#39;');
  });

  it('links to the dashboard only with a public URL, and only over http(s)', () => {
    expect(renderEmail([anomalyFiring()]).html).not.toContain('Open in the dashboard');
    expect(renderEmail([anomalyFiring()], { publicUrl: 'https://logs.example.com/base' }).text).toContain('https://logs.example.com/base/anomalies?series=service%3Dapi');
    expect(renderEmail([anomalyFiring({ dashboardPath: 'javascript:alert(1)' })], { publicUrl: 'javascript:alert(1)' }).html).not.toContain('javascript:');
  });

  it('derives the Message-ID from the firing keys, whatever their order', () => {
    const a = anomalyFiring({ key: 'k1' });
    const b = anomalyFiring({ key: 'k2', series: 'service=web' });
    const one = renderEmail([a, b], { from: 'logscope <alerts@Example.com>' }).messageId;
    expect(renderEmail([b, a], { from: 'alerts@example.com' }).messageId).toBe(one);
    expect(one).toBe(messageIdFor(['k2', 'k1'], 'example.com'));
    expect(renderEmail([a], { from: 'alerts@example.com' }).messageId).not.toBe(one);
  });

  it('says "all quiet" for a digest in which nothing fired, and lists the tables of one in which something did', () => {
    const quiet = renderEmail([digestFiring(true)]);
    expect(quiet.subject).toBe('[INFO] daily-report: all quiet, 2026-12-02 00:00 – 2026-12-03 00:00 UTC');
    expect(quiet.text).toContain('All quiet: nothing fired between 2026-12-02 00:00 UTC and 2026-12-03 00:00 UTC.');
    expect(quiet.html).toContain('All quiet.');
    expect(quiet.attachments).toEqual([]);

    const busy = renderEmail([digestFiring(false)]);
    expect(busy.subject).toBe('[INFO] daily-report: Daily report: 2 anomalies, 1 new pattern, 2026-12-02 00:00 – 2026-12-03 00:00 UTC');
    expect(busy.text).not.toContain('All quiet');
    expect(busy.text).toMatch(/Top errors:\n.*template\s+count\n\s+upstream timed out after <\*> ms\s+1,830/);
    expect(busy.html).toContain('disk &lt;*&gt; is &lt;*&gt;% full');
    expect(busy.html).toContain('>1,830</td>');
  });

  it('renders a grouped email with a section and a chart per firing, the worst severity in the subject', () => {
    const email = renderEmail([
      anomalyFiring({ key: 'a', severity: 'warning', series: 'service=web', title: 'errors rose for service=web' }),
      anomalyFiring({ key: 'b', severity: 'critical', series: 'service=db', title: 'errors rose for service=db', eventStart: '2026-12-03T10:20:00.000Z', eventEnd: '2026-12-03T10:25:00.000Z' }),
    ]);
    expect(email.subject).toBe('[CRITICAL] api-errors: 2 firings (service=web; service=db), 2026-12-03 10:05–10:25 UTC');
    expect(email.attachments.map((a) => a.filename)).toEqual(['chart-1.png', 'chart-2.png']);
    for (const a of email.attachments) expect(email.html).toContain(`src="cid:${a.cid}"`);
  });

  it('lists every firing of a large group in a summary table, details the first 10 and charts the first 5', () => {
    const firings = Array.from({ length: 12 }, (_, i) => anomalyFiring({ key: `k${i}`, series: `host=web-${String(i + 1).padStart(2, '0')}`, title: `errors rose on web-${i + 1}`, firedAt: `2026-12-03T10:${String(16 + i).padStart(2, '0')}:00.000Z` }));
    const email = renderEmail(firings);
    expect(email.subject).toBe('[CRITICAL] api-errors: 12 firings (host=web-01; host=web-02; host=web-03; +9 more), 2026-12-03 10:05–10:10 UTC');
    for (const f of firings) expect(email.html).toContain(`>${f.series}</td>`);
    expect(email.text).toContain('The first 10 in detail; the other 2 are in the table above.');
    expect(email.text).toContain('10. errors rose on web-10');
    expect(email.text).not.toContain('11. errors rose on web-11');
    expect(email.attachments).toHaveLength(5);
  });

  it('saves a screenshot of the HTML email as Chromium shows it (test-output/alert-email.png, beside its .html and .txt)', (context) => {
    if (!fs.existsSync(CHROMIUM)) {
      process.stderr.write(`*** ${CHROMIUM} not found: the email screenshot is SKIPPED ***\n`);
      context.skip();
    }
    fs.mkdirSync(OUTPUT, { recursive: true });
    const profile = tmpDir('logscope-chromium-');
    const shots: string[] = [];
    for (const [name, firings] of [['alert-email', [anomalyFiring()]]] as const) {
      const email = renderEmail([...firings], { publicUrl: 'https://logscope.example.com', from: 'alerts@example.com' });
      const html = path.join(OUTPUT, `${name}.html`);
      fs.writeFileSync(html, withImages(email));
      fs.writeFileSync(path.join(OUTPUT, `${name}.txt`), `Subject: ${email.subject}\n\n${email.text}`);
      const png = path.join(OUTPUT, `${name}.png`);
      fs.rmSync(png, { force: true });
      const r = spawnSync(
        CHROMIUM,
        ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--hide-scrollbars', `--screenshot=${png}`, '--window-size=760,1400', `file://${html}`],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(fs.existsSync(png), r.stderr).toBe(true);
      shots.push(png);
    }
    for (const png of shots) expect(fs.statSync(png).size).toBeGreaterThan(20_000);
  });
});
