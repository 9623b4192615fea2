import { describe, expect, it } from 'vitest';
import { parseText } from './parse-helper.js';

/** Lines each format must reject, with (part of) the reason: a format reads a line fully or not at all. */
const REJECTED: [format: string, text: string, reason: string][] = [
  ['w3c', '2026-11-25 10:00:00 GET / 200\n', 'no #Fields: header'],
  ['w3c', '#Fields: date time cs-method cs-uri-stem sc-status\n2026-11-25 10:00:00 GET / 200 extra\n', '6 fields where #Fields: names 5'],
  ['w3c', '#Fields: date time cs-method cs-uri-stem sc-status\n2026-11-25 25:00:00 GET / 200\n', 'bad W3C date or time'],
  ['w3c', '#Fields: date time cs-method cs-uri-stem sc-status\n2026-11-25 10:00:00 GET / OK\n', 'bad sc-status'],
  ['zeek', '1795600800.1\tCabc\t10.0.0.1\n', 'no #fields header'],
  ['zeek', '#separator \\x09\n#fields\tts\tuid\n1795600800.1\tCabc\textra\n', '3 fields where #fields names 2'],
  ['zeek', '#separator \\x09\n#fields\tts\tuid\nyesterday\tCabc\n', 'ts is not epoch seconds'],
  ['dpkg', '2026-11-25 10:00:00 upgrade onlytwo words\n', 'not a dpkg.log action'],
  ['dpkg', '2026-11-25 10:00:00 status weird-state pkg:amd64 1.0\n', 'not a dpkg.log action'],
  ['alternatives', 'update-alternatives: error: no alternatives for editor\n', 'not an alternatives.log line'],
  ['alternatives', 'update-alternatives 2026-11-25 10:00:00 run with --auto editor\n', 'no "date time: "'],
  ['apt-history', 'Commandline: apt-get install x\n', 'stanza line without its Start-Date:'],
  ['elb', '2026-11-25T10:00:00.000000Z my-lb 10.0.0.1:80 10.0.0.2:80 0.1 0.2 0.3 200 200 1 2 "GET / HTTP/1.1" "curl"\n', 'not an ELB/ALB access log line'],
  ['elb', '2026-11-25T10:00:00.000000Z my-lb 10.0.0.1:80 10.0.0.2:80 fast 0.2 0.3 200 200 1 2 "GET / HTTP/1.1" "curl" - -\n', 'bad request_processing_time'],
  ['s3', 'owner bucket [25/Nov/2026:10:00:00 +0000] 192.0.2.3 req id GET key "GET / HTTP/1.1" 200 - 1 - 7 - "-" "ua"\n', 'not an S3 access log line'],
  ['vpc-flow', '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1795600800 1795600860 MAYBE OK\n', 'not a flow log record'],
  ['vpc-flow', '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 3 4 1795600800 ACCEPT OK\n', '13 fields where the flow log has 14'],
  ['strace', 'open("/etc/passwd", O_RDONLY)\n', 'no "= result"'],
  ['strace', 'Hello world = 3\n', 'not an strace line'],
  ['setupapi', '>>>  [Device Install - X]\n     ndv: no section start here\n', 'no ">>>  Section start" line'],
  ['logcat', '--------- beginning of main\n', 'no "MM-DD hh:mm:ss.mmm"'],
  ['logcat', '13-17 16:13:38.811  1702  2395 D Tag: month 13\n', 'no "MM-DD hh:mm:ss.mmm"'],
  ['logcat', '03-17 16:13:38.811  1702  2395 Q Tag: unknown priority\n', 'no priority letter'],
  ['logcat', '03-17 16:13:38.811  1702 D Tag: no thread id\n', 'no thread id'],
  ['logcat', '03-17 16:13:38.811  1702  2395 D no tag colon\n', 'no "tag:"'],
  ['logcat', '03-17 16:13:38.811 D/Tag: no pid\n', 'no "P/tag( pid):"'],
];

describe('logcat', () => {
  it('keeps the thread id in attrs and reads an empty message', async () => {
    const p = await parseText('03-17 16:13:38.811  1702  2395 I ActivityManager:\n', { name: 'logcat', options: {} });
    expect(p.records.map((r) => [r.service, r.pid, r.level, r.level_raw, r.message, r.attrs])).toEqual([['ActivityManager', '1702', 'INFO', 'I', null, '{"tid":2395}']]);
  });
});

describe('long-tail formats reject what they cannot fully read', () => {
  for (const [format, text, reason] of REJECTED) {
    it(`${format} rejects ${JSON.stringify(text.split('\n').filter((l) => l !== '').at(-1))}: ${reason}`, async () => {
      const p = await parseText(text, { name: format, options: {} });
      expect(p.records).toEqual([]);
      expect(p.unparsed.map((u) => u.reason).join(' | ')).toContain(reason);
    });
  }

  it('w3c reads the #Date: directive day for a log without a date field, and keeps IIS + as spaces in the user agent', async () => {
    const p = await parseText('#Date: 2026-11-25 00:00:00\n#Fields: time cs-method cs-uri-stem cs(User-Agent) sc-status\n10:00:01 GET /a Mozilla/5.0+(X11) 200\n', { name: 'w3c', options: {} });
    expect(p.records.map((r) => [r.us, r.message, JSON.parse(r.attrs ?? '{}')['cs(User-Agent)']])).toEqual([[String(Date.UTC(2026, 10, 25, 10, 0, 1) * 1000), 'GET /a', 'Mozilla/5.0 (X11)']]);
  });

  it('zeek types its attrs by #types: counts and intervals as numbers, bools, sets as arrays, unset fields left out', async () => {
    const text = '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tuid\tduration\torig_bytes\tlocal_orig\ttunnel_parents\tservice\n#types\ttime\tstring\tinterval\tcount\tbool\tset[string]\tstring\n1795600800.5\tCx\t0.25\t40\tT\ta,b\t-\n';
    const p = await parseText(text, { name: 'zeek', options: {} });
    expect(JSON.parse(p.records[0].attrs ?? '')).toEqual({ uid: 'Cx', duration: 0.25, orig_bytes: 40, local_orig: true, tunnel_parents: ['a', 'b'] });
    expect(p.counts.blank).toBe(7);
  });
});
