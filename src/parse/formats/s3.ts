import { parseClfString } from '../clf-timestamp.js';
import type { FormatDefinition, LineParser } from '../format.js';
import { levelOfStatus, splitQuotedFields } from '../quoted-fields.js';

/**
 * Amazon S3 server access logs, fields as the S3 documentation lists them: `bucket_owner bucket
 * [time] remote_ip requester request_id operation key "request_uri" http_status error_code
 * bytes_sent object_size total_time turn_around_time "referer" "user_agent" version_id host_id
 * signature_version cipher_suite authentication_type host_header tls_version access_point_arn
 * acl_required` — at least up to user_agent (older logs end there), later fields as far as the
 * line has them.
 * ts is the time (`[06/Feb/2019:00:00:38 +0000]`); service the bucket; level from http_status
 * (5xx ERROR, 4xx WARN, else INFO; the status in level_raw); message the request URI line
 * (`GET /bucket/key HTTP/1.1`). Every other field goes to attrs under its documented name (`-`
 * left out), the status, sizes and times as numbers.
 */
const s3: FormatDefinition = {
  name: 's3',
  specificity: 9,
  description: 'Amazon S3 server access logs; level from http_status',
  example: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [25/Nov/2026:10:00:00 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.OBJECT photos/2026/cat.jpg "GET /amzn-s3-demo-bucket1/photos/2026/cat.jpg HTTP/1.1" 404 NoSuchKey 243 - 12 - "-" "aws-cli/2.15.0" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSv1.2 - -',
  create() {
    return createS3Parser();
  },
};
export default s3;

const NAMES = [
  'bucket_owner', 'bucket', 'time', 'remote_ip', 'requester', 'request_id', 'operation', 'key', 'request_uri', 'http_status', 'error_code', 'bytes_sent',
  'object_size', 'total_time', 'turn_around_time', 'referer', 'user_agent', 'version_id', 'host_id', 'signature_version', 'cipher_suite',
  'authentication_type', 'host_header', 'tls_version', 'access_point_arn', 'acl_required',
];
const NUMERIC = new Set(['http_status', 'bytes_sent', 'object_size', 'total_time', 'turn_around_time']);
/** REST.GET.OBJECT, WEBSITE.GET.OBJECT, BATCH.DELETE.OBJECT, S3.EXPIRE.OBJECT, ... */
const OPERATION = /^[A-Z0-9]+\.[A-Z0-9_]+(\.[A-Z0-9_]+)*$/;

function createS3Parser(): LineParser {
  return {
    parseLine(buf, start, end, out) {
      const f = splitQuotedFields(buf.toString('utf8', start, end));
      if (f === undefined || f.length < 17 || f.length > NAMES.length) return 'not an S3 access log line';
      if (!OPERATION.test(f[6]) || !/^(\d{3}|-)$/.test(f[9])) return 'not an S3 access log line';
      for (const k of [11, 12, 13, 14]) if (f[k] !== '-' && !/^\d+$/.test(f[k])) return `bad ${NAMES[k]}`;
      const us = parseClfString(f[2]);
      if (Number.isNaN(us)) return 'bad [time]';
      const attrs: Record<string, string | number> = {};
      for (let k = 0; k < f.length; k++) {
        const name = NAMES[k];
        if (k === 1 || k === 2 || k === 8 || f[k] === '-') continue;
        attrs[name] = NUMERIC.has(name) ? Number(f[k]) : f[k];
      }
      const level = levelOfStatus(f[9]);
      out.beginRecord(us);
      out.empty();
      out.text(f[1]);
      out.empty();
      if (level !== undefined) {
        out.ascii(level);
        out.ascii(f[9]);
      } else {
        out.empty();
        out.empty();
      }
      out.text(f[8]);
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}
