import { HEADER_LINE, type FormatDefinition, type FormatOptions, type LineParser } from '../format.js';

/**
 * AWS VPC flow log records, space-separated: the default (version 2) fields `version account-id
 * interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action
 * log-status`, or any custom choice of the documented fields when a header line names them (as
 * flow logs delivered to S3 start: `version account-id interface-id ...`). A header line met
 * later re-maps the columns from there; chunks after the first get the header in effect at
 * their start with their options. `-` is an empty field.
 * ts is `start` (epoch seconds); host `instance-id` when the record has it, else `interface-id`;
 * level from `action` (REJECT WARN, ACCEPT INFO; the action in level_raw); message `ACCEPT tcp
 * 172.31.16.139:20641 -> 172.31.16.21:22`, or the log-status (`NODATA`, `SKIPDATA`) of a record
 * without traffic. Every field goes to attrs under its name, the counts, ports and times as
 * numbers. A line whose field count is not the header's is rejected.
 */
const vpcFlow: FormatDefinition = {
  name: 'vpc-flow',
  specificity: 9,
  description: 'AWS VPC flow logs: default v2 fields, or the fields a header line names',
  example: '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1795600800 1795600860 ACCEPT OK',
  // One header line is the whole header: `before` is replaced, not added to.
  readHeader(buf, start, end) {
    let found: string | undefined;
    let pos = start;
    while (pos < end) {
      let nl = buf.indexOf(10, pos);
      if (nl < 0 || nl > end) nl = end;
      // Only a line starting with a field name is looked at whole.
      const sp = buf.indexOf(32, pos);
      if (sp > pos && sp < nl && FIELDS.has(buf.toString('latin1', pos, sp))) {
        const line = buf.toString('latin1', pos, nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl);
        if (isHeaderLine(line)) found = line;
      }
      pos = nl + 1;
    }
    return found === undefined ? undefined : { header: [found] };
  },
  create(options) {
    return createVpcFlowParser(options);
  },
};
export default vpcFlow;

const DEFAULT = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];
const FIELDS = new Set([
  ...DEFAULT, 'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr', 'region', 'az-id', 'sublocation-type', 'sublocation-id',
  'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path', 'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn',
  'ecs-container-instance-id', 'ecs-container-id', 'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id', 'reject-reason',
]);
const NUMERIC = new Set(['version', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'tcp-flags', 'traffic-path']);
const PROTOCOLS: Record<string, string> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };

function isHeaderLine(line: string): boolean {
  const names = line.split(' ');
  return names.length >= 3 && names.includes('start') && names.every((n) => FIELDS.has(n));
}

function createVpcFlowParser(options: FormatOptions): LineParser {
  let names = DEFAULT;
  const at = new Map<string, number>();
  const map = (n: string[]) => {
    names = n;
    at.clear();
    n.forEach((name, i) => at.set(name, i));
  };
  const reset = () => map(options.header !== undefined && isHeaderLine(options.header[0]) ? options.header[0].split(' ') : DEFAULT);
  reset();
  return {
    beginChunk: reset,
    parseLine(buf, start, end, out) {
      const line = buf.toString('utf8', start, end);
      const f = line.split(' ');
      if (f.length !== names.length) {
        if (isHeaderLine(line)) {
          map(f);
          return HEADER_LINE;
        }
        return `${f.length} fields where the flow log has ${names.length}`;
      }
      if (FIELDS.has(f[0]) && isHeaderLine(line)) {
        map(f);
        return HEADER_LINE;
      }
      const get = (name: string): string | undefined => {
        const i = at.get(name);
        return i === undefined || f[i] === '-' ? undefined : f[i];
      };
      const startS = get('start');
      if (startS === undefined || !/^\d{9,11}$/.test(startS)) return 'no start time';
      const action = get('action');
      const status = get('log-status');
      if ((action !== undefined && action !== 'ACCEPT' && action !== 'REJECT') || (status !== undefined && status !== 'OK' && status !== 'NODATA' && status !== 'SKIPDATA')) return 'not a flow log record';
      const version = get('version');
      if (version !== undefined && !/^\d{1,2}$/.test(version)) return 'bad version';
      const attrs: Record<string, string | number> = {};
      for (let i = 0; i < f.length; i++) {
        if (f[i] === '-') continue;
        if (NUMERIC.has(names[i])) {
          if (!/^\d+$/.test(f[i])) return `bad ${names[i]}`;
          attrs[names[i]] = Number(f[i]);
        } else {
          attrs[names[i]] = f[i];
        }
      }
      const src = get('srcaddr');
      const proto = get('protocol');
      const message =
        src !== undefined ? `${action ?? '-'} ${proto !== undefined ? (PROTOCOLS[proto] ?? proto) : '-'} ${src}:${get('srcport') ?? '-'} -> ${get('dstaddr') ?? '-'}:${get('dstport') ?? '-'}` : (status ?? '-');
      const host = get('instance-id') ?? get('interface-id');
      out.beginRecord(Number(startS) * 1e6);
      if (host !== undefined) out.text(host);
      else out.empty();
      out.empty();
      out.empty();
      if (action !== undefined) {
        out.ascii(action === 'REJECT' ? 'WARN' : 'INFO');
        out.ascii(action);
      } else {
        out.empty();
        out.empty();
      }
      out.text(message);
      out.text(JSON.stringify(attrs));
      return null;
    },
  };
}
