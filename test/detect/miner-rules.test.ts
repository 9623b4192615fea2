import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSignatureMiner, createTemplateCatalog, MINER_RULES } from '../../src/detect/miner/index.js';
import { LOGHUB_DEV, loadLoghubSample } from '../../bench/miner-eval.js';
import { DATASETS, HAVE_DATASETS } from '../helpers.js';

/**
 * A store notes the miner rules (MINER_RULES) its catalog was mined with, and re-masks and
 * re-clusters its signatures when they differ (src/ingest/mining.ts). That only works if the
 * revision changes whenever the rules' output does: these digests of the signature texts and
 * templates of fixed messages pin the output of each revision. When a rule change moves a
 * digest, bump MINER_RULES and write the new digests here, in the same commit.
 */
const DIGESTS: Record<string, { fixed: string; loghub: string }> = {
  '2026-12-04.17': { fixed: '3f09e22d8cdde163', loghub: '1f8ea43eba199d8c' },
};

const FIXED = [
  'retry 3 of 5 after -2 s, took 12ms and 3.5 sec',
  'from 10.0.0.1:8080 to 192.168.1.20 via eth1',
  'peer [fe80::1ff:fe23:4567:890a]:443 closed',
  'request 550e8400-e29b-41d4-a716-446655440000 done in 5.8 KB',
  'from 00:14:22:aa:bb:cc via eth1',
  'Loaded C:\\Program Files\\Common Files\\foo.dll ok',
  'Opening file /tmp/My Documents/report 3.txt for reading',
  'chrome.exe - 182.254.114.110:80 close, 1190 bytes (1.16 KB) sent, 0 bytes received, lifetime <1 sec',
  'chrome.exe - 182.254.114.110:80 close, 0 bytes sent, 0 bytes received, lifetime 00:02',
  '10.11.10.1 "GET /v2/54fadb41/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2477829',
  '10.11.10.1 "POST /v2/54fadb41/servers HTTP/1.1" status: 202 len: 733 time: 0.51',
  '[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Started (Lifecycle Event)',
  '[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1e] VM Paused (Lifecycle Event)',
  '[Mon Jun 12 10:00:01 2023] worker started enabled=true',
  'com.apple.xyz.daily: scheduler_evaluate_activity told me to run this job',
  'session opened for user root by (uid=0)',
  'session opened for user news by (uid=0)',
  'session opened for user cyrus by (uid=0)',
  'job alpha finished',
  'job beta finished',
  'SHARDING [conn12] Marking collection local.oplog.rs',
  'SHARDING [ftdc] Marking collection config.transactions',
  '--- [main] com.alibaba.druid.pool.DruidDataSource : {dataSource-1} closed',
  '--- [SpringContextShutdownHook] com.alibaba.druid.pool.DruidDataSource : {dataSource-1} closed',
  'device hash "d3YN7OD60Ggqc9hClW0/al6tlFEshidDnQKzZRRk410=" allowed',
  'Caches are synced for deployment',
  'Caches are synced for garbage collector',
  'Caches are synced for job',
  'GET /',
  'GET /robots.txt',
  'GET http://example.org/robots.txt',
  'elected-as-master [{node-1}{-OIsUtKyS_irdAE9iKMSAQ}{127.0.0.1}], term: 1',
  'elected-as-master [{node-1}{tVDIhAO7Q_q1s48Ew9hY6w}{127.0.0.1}], term: 2',
  'Disconnected from invalid user admin 10.0.0.1 port 22 [preauth]',
  'Disconnected from invalid user pi 10.0.0.2 port 22 [preauth]',
  'Disconnected from invalid user oracle 10.0.0.3 port 22 [preauth]',
  'Disconnected from authenticating user root 10.0.0.4 port 22 [preauth]',
  'Disconnected from authenticating user bin 10.0.0.5 port 22 [preauth]',
  '[.geoip_databases] creating index, cause [auto(bulk api)], templates [], shards [1]/[0]',
  '[.tasks] creating index, cause [api], templates [], shards [1]/[0]',
  'level=info msg="starting containerd" revision=c507a02',
  "route failed reason='no route to host', retrying",
  'moving index [logs] from [{"phase":"new","action":"complete"}] to [{"phase":"hot"}] in policy [p]',
  "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'",
  '"Event occurred" object="localhost" kind="Node" reason="Starting" message="Starting kubelet."',
  'k8s.io/client-go/informers/factory.go:134: Failed to watch *v1.Service',
  'ACPI: Added _OSI(Module Device)',
  'index moved to [hot], then checked',
  'index moved to [warm], then checked',
  'DMA zone: 3998 pages used for memmap',
  'Normal zone: 5 pages used for memmap',
  'DMA32 zone: 12 pages used for memmap',
];

function digest(messages: readonly string[]): string {
  const miner = createSignatureMiner();
  const ids = messages.map((m) => miner.signature(m));
  const signatures = miner.drain();
  const catalog = createTemplateCatalog({}, signatures);
  const hash = createHash('sha256');
  for (const s of [...signatures].sort((a, b) => a.id - b.id)) hash.update(`${s.id} ${s.text}\n`);
  for (const id of ids) hash.update(`${catalog.templateOf(id)}\n`);
  return hash.digest('hex').slice(0, 16);
}

describe('miner rules revision', () => {
  it('has digests recorded for the current MINER_RULES', () => {
    expect(Object.keys(DIGESTS)).toContain(MINER_RULES);
  });

  it('gives the recorded signature texts and templates of fixed messages (bump MINER_RULES when this moves)', () => {
    expect(digest(FIXED)).toBe(DIGESTS[MINER_RULES].fixed);
  });

  it.skipIf(!HAVE_DATASETS)(`gives the recorded signature texts and templates of the Loghub dev samples (${DATASETS})`, () => {
    const all = LOGHUB_DEV.flatMap((name) => loadLoghubSample(DATASETS, name).contents);
    expect(digest(all)).toBe(DIGESTS[MINER_RULES].loghub);
  });
});
