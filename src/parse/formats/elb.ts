import type { FormatDefinition, LineParser } from '../format.js';
import { levelOfStatus, splitQuotedFields } from '../quoted-fields.js';
import { parseIsoString, utcZone } from '../timestamp.js';

/**
 * AWS load balancer access logs, as the AWS documentation lists their fields:
 * - Classic ELB: `time elb client:port backend:port request_processing_time
 *   backend_processing_time response_processing_time elb_status_code backend_status_code
 *   received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol` (15 fields),
 * - ALB: `type` first (http, https, h2, grpcs, ws, wss), then `time elb client:port target:port`,
 *   the three times, the two status codes, the byte counts, `"request" "user_agent" ssl_cipher
 *   ssl_protocol target_group_arn "trace_id"` and the later fields (`"domain_name"
 *   "chosen_cert_arn" matched_rule_priority request_creation_time "actions_executed"
 *   "redirect_url" "error_reason" "target:port_list" "target_status_code_list" "classification"
 *   "classification_reason" conn_trace_id`) as far as the line has them.
 * ts is the time (UTC, µs); host the load balancer; level from elb_status_code (5xx ERROR, 4xx
 * WARN, else INFO; the code in level_raw); message the request line. attrs has every other field
 * under its documented name (`-` left out), the times, codes and byte counts as numbers.
 */
const elb: FormatDefinition = {
  name: 'elb',
  specificity: 9,
  description: 'AWS Classic ELB and ALB access logs (ALB: type first); level from elb_status_code',
  example: 'https 2026-11-25T10:00:00.123456Z app/my-alb/50dc6c495c0c9188 198.51.100.7:52144 10.0.1.15:8080 0.001 0.213 0.000 502 502 512 318 "GET https://api.example.com:443/v1/items HTTP/1.1" "curl/8.4.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/73e2d6bc24d8a067 "Root=1-67891233-abcdef012345678912345678"',
  create() {
    return createElbParser();
  },
};
export default elb;

const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
const COMMON = ['client', 'backend', 'request_processing_time', 'backend_processing_time', 'response_processing_time', 'elb_status_code', 'backend_status_code', 'received_bytes', 'sent_bytes', 'request', 'user_agent', 'ssl_cipher', 'ssl_protocol'];
const CLASSIC = ['time', 'elb', ...COMMON];
const ALB = [
  'type', 'time', 'elb', ...COMMON.map((n) => n.replace('backend', 'target')),
  'target_group_arn', 'trace_id', 'domain_name', 'chosen_cert_arn', 'matched_rule_priority', 'request_creation_time', 'actions_executed',
  'redirect_url', 'error_reason', 'target_port_list', 'target_status_code_list', 'classification', 'classification_reason', 'conn_trace_id',
];
const NUMERIC = /_time$|_status_code$|_bytes$|^matched_rule_priority$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const ENDPOINT = /^(?:[0-9.]+|\[?[0-9a-fA-F:]+\]?):\d+$/;

function createElbParser(): LineParser {
  return {
    parseLine(buf, start, end, out) {
      const f = splitQuotedFields(buf.toString('utf8', start, end));
      if (f === undefined) return 'unclosed quote';
      const alb = ALB_TYPES.has(f[0]);
      const names = alb ? ALB : CLASSIC;
      // Classic has exactly its 15 fields; an ALB line at least up to trace_id, at most all known.
      if (alb ? f.length < 18 || f.length > names.length : f.length !== names.length) return 'not an ELB/ALB access log line';
      const o = alb ? 1 : 0;
      if (!TIME.test(f[o]) || !ENDPOINT.test(f[o + 2]) || (f[o + 3] !== '-' && !ENDPOINT.test(f[o + 3]))) return 'not an ELB/ALB access log line';
      for (let k = o + 4; k <= o + 10; k++) if (f[k] !== '-' && !/^-?\d+(\.\d+)?$/.test(f[k])) return `bad ${names[k]}`;
      const us = parseIsoString(f[o], utcZone);
      if (Number.isNaN(us)) return 'bad time';
      const attrs: Record<string, string | number> = {};
      for (let k = 0; k < f.length; k++) {
        const name = names[k];
        if (name === 'time' || name === 'elb' || name === 'request' || f[k] === '-') continue;
        attrs[name] = NUMERIC.test(name) && /^-?\d+(\.\d+)?$/.test(f[k]) ? Number(f[k]) : f[k];
      }
      const status = f[o + 7];
      const level = levelOfStatus(status);
      out.beginRecord(us);
      out.text(f[o + 1]);
      out.empty();
      out.empty();
      if (level !== undefined) {
        out.ascii(level);
        out.ascii(status);
      } else {
        out.empty();
        out.empty();
      }
      out.text(f[o + 11]);
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}
