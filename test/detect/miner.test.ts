import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createSignatureMiner, createTemplateCatalog, signatureIdOfText, templateIdOfText, type CatalogSignature, type SignatureMinerOptions } from '../../src/detect/miner/index.js';

/** The masked text stage 1 gives one message. */
function masked(message: string, options?: SignatureMinerOptions): string {
  const miner = createSignatureMiner(options);
  miner.signature(message);
  const [entry] = miner.drain();
  return entry.text;
}

/** Stage 1 then stage 2 over a list of messages: the template text of each. */
function templatesOf(messages: string[]): string[] {
  const miner = createSignatureMiner();
  const ids = messages.map((m) => miner.signature(m));
  const catalog = createTemplateCatalog({}, miner.drain());
  return ids.map((id) => catalog.template(catalog.templateOf(id)!)!.text);
}

describe('signature miner (stage 1)', () => {
  it('masks numbers, signed numbers and numbers with units', () => {
    expect(masked('retry 3 of 5 after -2 s, took 12ms and 3.5 sec')).toBe('retry <*> of <*> after <*> <*>, took <*> and <*>');
    expect(masked('estimated size 5.8 KB, free 317.1 MB)')).toBe('estimated size <*> <*>, free <*> <*>)');
    expect(masked('ratio 50% of 1,024 items')).toBe('ratio <*>% of <*> items');
  });

  it('masks IPv4 and IPv6 addresses with ports, and host:port', () => {
    expect(masked('from 10.0.0.1:8080 to 192.168.1.20')).toBe('from <*> to <*>');
    expect(masked('peer [fe80::1ff:fe23:4567:890a]:443 closed')).toBe('peer [<*>]:<*> closed');
    expect(masked('connect proxy.example.com:5070 failed')).toBe('connect <*> failed');
    expect(masked('listening on localhost:80')).toBe('listening on localhost:<*>');
  });

  it('masks hex numbers, UUIDs, MAC addresses and ids holding digits', () => {
    expect(masked('session 0x14ed93111f20027 at 0xffffffff')).toBe('session <*> at <*>');
    expect(masked('request 550e8400-e29b-41d4-a716-446655440000 done')).toBe('request <*> done');
    expect(masked('mac 00:1a:2b:3c:4d:5e up')).toBe('mac <*> up');
    // Parts of letters only belong to the address too, wherever they stand.
    expect(masked('from 00:14:22:aa:bb:cc via eth1')).toBe('from <*> via <*>');
    expect(masked('AuthKeyId EF:9F:96:B7:6A:DD, MAC=fe:ed:00:1a:df:fe ok')).toBe('AuthKeyId <*>, MAC=<*> ok');
    // Times and PCI slots stay one number with their fractions.
    expect(masked('at 10:00:01.123456 on 0000:00:14.0')).toBe('at <*> on <*>');
    expect(masked('block blk_-6952295868487656571 and blk_38865049064139660 job_1445144423722_0020')).toBe('block <*> and <*>');
    expect(masked('generating core.2275 on R02-M1-N0-C:J12-U11')).toBe('generating <*> on <*>');
    expect(masked('request_id=5bb1551e97958c57 uid=0')).toBe('request_id=<*> uid=<*>');
  });

  it('masks paths and URLs but keeps the punctuation around them', () => {
    expect(masked('open /var/log/app.log failed')).toBe('open <*> failed');
    expect(masked("chdir(/p/gb1/RAPTOR/2183) failed: removing '/udev/vcs2'")).toBe("chdir(<*>) failed: removing '<*>'");
    expect(masked('file=/etc/hosts, dir=./conf and C:\\Users\\bob\\x.txt')).toBe('file=<*>, dir=<*> and <*>');
    expect(masked('GET /api/v1/users/42 HTTP/1.1')).toBe('GET <*> HTTP/<*>');
    expect(masked('read load/store alignment')).toBe('read load/store alignment');
  });

  it('masks a relative path of three or more names with a dot in one, as one variable', () => {
    expect(masked('k8s.io/client-go/informers/factory.go:134: Failed to watch *v1.Service')).toBe('<*>: Failed to watch *<*>');
    expect(masked('compiling src/main/App.java now')).toBe('compiling <*> now');
    expect(masked('see (docs/guide/intro.md).')).toBe('see (<*>).');
    // Names without a dot, two names, a version, a name before a number: words.
    expect(masked('nvme0: 32/0/0 default/read/poll queues')).toBe('<*>: <*> default/read/poll queues');
    expect(masked('using x86/fpu and text/html.x')).toBe('using <*>/fpu and text/html.x');
    expect(masked('via HTTP/1.1 and a.b/c/1.2')).toBe('via HTTP/<*> and a.b/c/<*>');
  });

  it('masks dates, and true, false and null as values', () => {
    expect(masked('timed out at Sat Jun 18 02:23:10 2005 after')).toBe('timed out at <*> after');
    expect(masked('Jun 14 15:16:01 combo sshd')).toBe('<*> combo sshd');
    expect(masked('May I help')).toBe('May I help');
    expect(masked('enabled=true config null (FALSE), is_null nullable')).toBe('enabled=<*> config <*> (<*>), is_null nullable');
  });

  it('turns a run of variable tokens into one, whatever its length', () => {
    expect(masked('ask 10.0.0.1:50010 to delete blk_1 blk_2 blk_3')).toBe('ask <*> to delete <*>');
    expect(masked('ask 10.0.0.1:50010 to delete blk_1')).toBe('ask <*> to delete <*>');
  });

  it('keeps words, splits on any run of blanks, and has no tokens for a blank message', () => {
    expect(masked('user  alice\tlogged in')).toBe('user alice logged in');
    expect(masked('   ')).toBe('');
    expect(createSignatureMiner().signature('')).toBe(createSignatureMiner().signature(' \t'));
  });

  it('applies the extra masks of the options first', () => {
    expect(masked('user alice logged in', { masks: ['(?<=user )\\w+'] })).toBe('user <*> logged in');
    expect(masked('core.42 dumped', { masks: [/core\.\d+/] })).toBe('<*> dumped');
    expect(() => createSignatureMiner({ masks: ['(unclosed'] })).toThrow(ConfigError);
    expect(() => createSignatureMiner({ masks: ['x*'] })).toThrow(/matches the empty string/);
  });

  it('gives a message the same id in every miner, from a string or from its UTF-8 bytes', () => {
    const messages = ['Accepted password for fztu from 119.137.62.142 port 49116 ssh2', 'größe 12 überschritten für Ñandú', 'plain words only', ''];
    const a = createSignatureMiner();
    const b = createSignatureMiner({ cacheSize: 1 });
    for (const m of messages) {
      const id = a.signature(m);
      expect(Number.isSafeInteger(id) && id >= 0).toBe(true);
      expect(b.signature(m)).toBe(id);
      const bytes = Buffer.from(`xx${m}yy`);
      expect(b.signatureOf(bytes, 2, bytes.length - 2)).toBe(id);
    }
    for (const e of a.drain()) expect(signatureIdOfText(e.text)).toBe(e.id);
  });

  it('counts the lines of each distinct signature since the last drain', () => {
    const miner = createSignatureMiner();
    miner.signature('job 1 done');
    miner.signature('job 2 done');
    miner.signature('job failed');
    expect(miner.drain().map((e) => [e.text, e.tokens, e.count])).toEqual([
      ['job <*> done', 3, 2],
      ['job failed', 2, 1],
    ]);
    miner.signature('job 3 done');
    expect(miner.drain().map((e) => [e.text, e.count])).toEqual([['job <*> done', 1]]);
    expect(miner.drain()).toEqual([]);
  });

  it('leaves out a bracket group of two or more variable tokens only, so an optional variable makes no new signature', () => {
    expect(masked('1190 bytes (1.16 KB) sent')).toBe('<*> bytes sent');
    expect(masked('0 bytes sent')).toBe('<*> bytes sent');
    expect(masked('job finished [Mon Jun 12 10:00:01 2023] ok')).toBe('job finished ok');
    expect(masked('job finished [2023-06-12 10:00:01] ok')).toBe('job finished ok');
    // A group in one token stays a token, whether its value is masked, a word or empty, so
    // all three have as many tokens (`[conn12]` / `[ftdc]`, `(host-7)` / `(gw.example.org)` / `()`).
    expect(masked('connection from 10.0.0.1 (host-7.example.org) at 10:00')).toBe('connection from <*> (<*>) at <*>');
    expect(masked('connection from 10.0.0.2 () at 10:00')).toBe('connection from <*> () at <*>');
    expect(masked('SHARDING [conn12] Marking collection')).toBe('SHARDING [<*>] Marking collection');
    // Words inside, a group that stays open, or punctuation after it: kept.
    expect(masked('estimated size (93.0 B, free 317.1 KB)')).toBe('estimated size (<*> <*>, free <*> <*>)');
    expect(masked('retry (3 of 5)')).toBe('retry (<*> of <*>)');
    expect(masked('took (12 ms), then')).toBe('took (<*> <*>), then');
    expect(masked('[2023-06-12 10:00:01]')).toBe('<*>');
  });

  it('takes a square-bracket group of several tokens holding words for one value, past the first token', () => {
    expect(masked('[.geoip_databases] creating index, cause [auto(bulk api)], templates [], shards [1]/[0]')).toBe('[.geoip_databases] creating index, cause [<*>], templates [], shards [<*>]/[<*>]');
    expect(masked('The Cgroup [kubepods besteffort] has some missing paths: [/sys/fs/cgroup/x]')).toBe('The Cgroup [<*>] has some missing paths: [<*>]');
    expect(masked('done [a [b] c] now')).toBe('done [<*>] now');
    // A group that opens the message (the source's context), a group in parentheses, a group
    // with more than punctuation after it, one that never closes: kept.
    expect(masked('[session uid=1000 pid=42] Activating service')).toBe('[session uid=<*> pid=<*>] Activating service');
    expect(masked('Pause Young (Metadata GC Threshold) done')).toBe('Pause Young (Metadata GC Threshold) done');
    expect(masked('done [a b]x now')).toBe('done [a b]x now');
    expect(masked('skipping sync - [runtime not ready')).toBe('skipping sync - [runtime not ready');
  });

  it("takes a name's arguments in parentheses of several tokens for one value, past the first token", () => {
    expect(masked('ACPI: Added _OSI(Module Device)')).toBe('ACPI: Added _OSI(<*>)');
    expect(masked('ACPI: Added _OSI(3.0 _SCP Extensions), done')).toBe('ACPI: Added _OSI(<*>), done');
    // One token, a group that opens with `(` or opens the message, a name with a digit, a group that never closes or closes with `]`: kept.
    expect(masked('ACPI: Added _OSI(Linux-Dell-Video)')).toBe('ACPI: Added _OSI(Linux-Dell-Video)');
    expect(masked('Pause Young (Metadata GC Threshold) done')).toBe('Pause Young (Metadata GC Threshold) done');
    expect(masked('call(a b) done')).toBe('call(a b) done');
    expect(masked('run f2(a b) now')).toBe('run <*>(a b) now');
    expect(masked('run f(a b now')).toBe('run f(a b now');
    expect(masked('run f(a b] now')).toBe('run f(a b] now');
  });

  it('takes a value in single quotes of several tokens for one value, past the first token', () => {
    expect(masked("x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'")).toBe("<*>/fpu: Supporting XSAVE feature <*>: '<*>'");
    expect(masked('Server rejected event \'&v1.Event{Kind:"", Name:"a b"}\': \'events is forbidden: User "kubelet" cannot create\' (will not retry!)')).toBe("Server rejected event '<*>': '<*>' (will not retry!)");
    expect(masked("route failed reason='no route to host', retrying")).toBe("route failed reason='<*>', retrying");
    // Double quotes without a key or in a logfmt message (a klog message, a request line), a group that opens the
    // message, a key with a digit, a quote closed inside a token or never: kept.
    expect(masked('level=info msg="starting containerd" revision=c507a02')).toBe('level=info msg="starting containerd" revision=<*>');
    expect(masked('said "hello world" ok')).toBe('said "hello world" ok');
    expect(masked("'a b' done")).toBe("'a b' done");
    expect(masked("set arg1='a b' ok")).toBe("set <*>='a b' ok");
    expect(masked("set x='a b'c d")).toBe("set x='a b'c d");
    expect(masked("it's a 'b c")).toBe("it's a 'b c");
  });

  it('takes a value in double quotes after a key for one value, unless the message opens with a key (logfmt)', () => {
    expect(masked('"Event occurred" object="localhost" kind="Node" reason="Starting" message="Starting kubelet."')).toBe('"Event occurred" object="localhost" kind="Node" reason="Starting" message="<*>"');
    expect(masked('Activating service requested by :1.5 (uid=0 comm="/usr/bin/foo --panel disable " label="unconfined")')).toBe('Activating service requested by :<*> (uid=<*> comm="<*>" label="unconfined")');
    // logfmt: the message opens with key=value, and msg="..." holds the event's words.
    expect(masked('level=info msg="starting containerd" revision=c507a02')).toBe('level=info msg="starting containerd" revision=<*>');
    expect(masked('time="2025-03-21T14:51:17Z" level=info msg="loading plugin" id=io.containerd.x')).toBe('time="<*>" level=info msg="loading plugin" id=io.containerd.x');
    // Without a key, or closed in its token: kept.
    expect(masked('said "hello world" ok')).toBe('said "hello world" ok');
    expect(masked('set x="a" y="b c"d ok')).toBe('set x="a" y="b c"d ok');
  });

  it('masks a JSON object in one token as one variable', () => {
    expect(masked('moving index [logs] from [{"phase":"new","action":"complete"}] to [{"phase":"hot"}] in policy [p]')).toBe('moving index [logs] from [<*>] to [<*>] in policy [p]');
    expect(masked('patch data={"replicas":"two"}, applied')).toBe('patch data=<*>, applied');
    // Braces without a quoted key, a key with a digit before the object, an object over several tokens: not one.
    expect(masked('set {a:b} now')).toBe('set {a:b} now');
    expect(masked('set {"a"} now')).toBe('set {"a"} now');
    expect(masked('set {"a": "b"} now')).toBe('set {"a": "b"} now');
  });

  it('runs a path on over a blank when a token after it continues it', () => {
    expect(masked('Opening file /tmp/My Documents/report 3.txt for reading')).toBe('Opening file <*> for reading');
    expect(masked('open "C:\\Program Files (x86)\\Google\\chrome.exe" now')).toBe('open "<*>" now');
    // Cut by more than one blank.
    expect(masked('Loaded C:\\Program Files\\Common Files\\foo.dll ok')).toBe('Loaded <*> ok');
    expect(masked('Opening /Users/me/Application Support/My Files/cache.db now')).toBe('Opening <*> now');
    // The root path alone is a path too; a slash between words is not.
    expect(masked('GET /')).toBe('GET <*>');
    expect(masked('unable to handle container "/" now')).toBe('unable to handle container "<*>" now');
    expect(masked('read and/or write')).toBe('read and/or write');
    // A second path is not a continuation.
    expect(masked('copy /a/b to /c/d done')).toBe('copy <*> to <*> done');
  });

  it('masks a base64 value (a hash, a key) as one variable, but not a long word', () => {
    expect(masked('hash "d3YN7OD60Ggqc9hClW0/al6tlFEshidDnQKzZRRk410=" parent-hash "Y1kBdG1uWQr5CjULQs7uh2F6pHgFb6VDHcWLk83v+tE=" via')).toBe('hash "<*>" parent-hash "<*>" via');
    expect(masked('key=AKIAIOSFODNN7EXAMPLE1234 ok')).toBe('key=<*> ok');
    expect(masked('thread SpringContextShutdownHook stopped')).toBe('thread SpringContextShutdownHook stopped');
  });

  it('takes a dash before an id of letters and digits as part of it, as a sign is of a number', () => {
    // Elasticsearch node ids are base64url: some start with a dash.
    expect(masked('joined {node-1}{-OIsUtKyS_irdAE9iKMSAQ}{127.0.0.1}')).toBe(masked('joined {node-1}{tVDIhAO7Q_q1s48Ew9hY6w}{127.0.0.1}'));
    expect(masked('joined {-OIsUtKyS_irdAE9iKMSAQ} ok')).toBe('joined {<*>} ok');
    // A dash between two words still joins them; a word without digits keeps its dash.
    expect(masked('range a1-b2 and --verbose -x')).toBe('range <*> and --verbose -x');
  });

  it('takes a comparison before a number as part of it', () => {
    expect(masked('lifetime <1 sec')).toBe(masked('lifetime 00:01'));
    expect(masked('load >5 and ~3 left')).toBe('load <*> and <*> left');
  });

  it('keeps at most maxTokens tokens', () => {
    expect(masked('a b c d e', { maxTokens: 3 })).toBe('a b c');
    expect(() => createSignatureMiner({ maxTokens: 0 })).toThrow(ConfigError);
  });
});

describe('template catalog (stage 2)', () => {
  it('merges a variable word with three or more values, and keeps two constant words apart', () => {
    const users = ['root', 'news', 'test', 'cyrus'].map((u) => `session opened for user ${u} by (uid=0)`);
    const stored = ['bytes', 'values'].map((w) => `Block broadcast_1 stored as ${w} in memory (estimated size 93.0 B, free 317.1 KB)`);
    expect(new Set(templatesOf(users))).toEqual(new Set(['session opened for user <*> by (uid=<*>)']));
    expect(templatesOf(stored)).toEqual([
      'Block <*> stored as bytes in memory (estimated size <*> <*>, free <*> <*>)',
      'Block <*> stored as values in memory (estimated size <*> <*>, free <*> <*>)',
    ]);
  });

  it('keeps a handful of capitalised words that name the event apart: HTTP methods, lifecycle states', () => {
    const requests = templatesOf(['GET', 'POST', 'DELETE', 'GET', 'POST', 'DELETE'].map((m, i) => `10.0.0.${i} "${m} /v2/${i}abc/servers HTTP/1.1" status: 200 len: ${i} time: 0.${i}`));
    expect(new Set(requests)).toEqual(new Set(['GET', 'POST', 'DELETE'].map((m) => `<*> "${m} <*> HTTP/<*>" status: <*> len: <*> time: <*>`)));
    const states = ['Started', 'Paused', 'Resumed', 'Stopped'].map((w, i) => `[instance: ${i}f3e-aa${i}] VM ${w} (Lifecycle Event)`);
    expect(new Set(templatesOf(states)).size).toBe(4);
    // Many capitalised values are a variable; lower-case names of things too (users, hosts).
    const many = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf'].map((w, i) => `worker ${w} took ${i} ms in pool`);
    expect(new Set(templatesOf(many))).toEqual(new Set(['worker <*> took <*> in pool']));
  });

  it('takes two words in square brackets (a thread, a context) as a variable, unless they are capitalised event words', () => {
    const threads = ['main', 'SpringContextShutdownHook'].map((t) => `--- [${t}] com.alibaba.druid.pool.DruidDataSource : {dataSource-1} closed`);
    expect(new Set(templatesOf(threads))).toEqual(new Set(['--- <*> com.alibaba.druid.pool.DruidDataSource : {<*>} closed']));
    const levels = ['ERROR', 'WARN'].map((l) => `job [${l}] queue full`);
    expect(templatesOf(levels)).toEqual(['job [ERROR] queue full', 'job [WARN] queue full']);
    // With a closing punctuation mark after the bracket too.
    const phases = ['hot', 'warm'].map((p) => `index moved to [${p}], then checked`);
    expect(new Set(templatesOf(phases))).toEqual(new Set(['index moved to <*> then checked']));
  });

  it('keeps a position whose words are a variable over a cluster a variable in the parts of a split elsewhere', () => {
    const invalid = ['admin', 'pi', 'oracle', 'guest', 'ubnt'].map((u, i) => `Disconnected from invalid user ${u} 10.0.0.${i} port 22 [preauth]`);
    const known = ['root', 'bin'].map((u, i) => `Disconnected from authenticating user ${u} 10.0.1.${i} port 22 [preauth]`);
    expect(new Set(templatesOf([...invalid, ...known]))).toEqual(
      new Set(['Disconnected from invalid user <*> <*> port <*> [preauth]', 'Disconnected from authenticating user <*> <*> port <*> [preauth]']),
    );
    // Two words alone are still two templates.
    expect(new Set(templatesOf(known)).size).toBe(2);
  });

  it('routes a leading name in square brackets as a variable, unless it is a capitalised event word', () => {
    const indices = ['[.kibana]', '[.kibana_task_manager]', '[.tasks]'].map((k, i) => `${k} INIT -> DONE. took: ${i}ms.`);
    expect(new Set(templatesOf(indices))).toEqual(new Set(['<*> INIT -> DONE. took: <*>.']));
    expect(new Set(templatesOf(['[ERROR]', '[WARN]'].map((l, i) => `${l} queue full after ${i} s`))).size).toBe(2);
  });

  it("merges a name's arguments of one word and of several", () => {
    const osi = ['Module Device', 'Processor Device', 'Linux-Dell-Video', 'Linux-Lenovo-NV-HDMI-Audio', '3.0 _SCP Extensions'].map((a) => `ACPI: Added _OSI(${a})`);
    expect(new Set(templatesOf(osi)).size).toBe(1);
  });

  it('merges klog lines whose source is a relative path of other files', () => {
    const sources = ['k8s.io/client-go/informers/factory.go:134:', 'k8s.io/kubernetes/pkg/kubelet/config/apiserver.go:46:', 'k8s.io/kubernetes/pkg/kubelet/kubelet.go:438:'];
    const lines = sources.map((s, i) => `${s} Failed to watch *v1.X${i}: failed to list *v1.X${i}: forbidden`);
    expect(new Set(templatesOf(lines))).toEqual(new Set(['<*>: Failed to watch *<*>: failed to list *<*>: forbidden']));
  });

  it('merges klog values in double quotes of one word and of several, but not logfmt messages', () => {
    const events = [['Starting', 'Starting kubelet.'], ['NodeHasSufficientPID', 'Node localhost status is now: NodeHasSufficientPID'], ['NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods']];
    const klog = events.map(([r, m]) => `"Event occurred" object="localhost" kind="Node" type="Normal" reason="${r}" message="${m}"`);
    expect(new Set(templatesOf(klog))).toEqual(new Set(['"Event occurred" object="localhost" kind="Node" type="Normal" <*> message="<*>"']));
    const logfmt = ['starting containerd', 'loading plugin', 'serving grpc'].map((m, i) => `level=info msg="${m}" t=${i}`);
    expect(new Set(templatesOf(logfmt)).size).toBe(3);
  });

  it('merges values in single quotes of one word and of several', () => {
    const certs = ['kernel key', 'Canonical Ltd. Secure Boot Signing', 'Canonical Ltd. Live Patch Signing', 'Module Signing'].map((c) => `Loaded X.509 cert '${c}'`);
    expect(new Set(templatesOf([...certs, "Loaded X.509 cert 'mok'"]))).toEqual(new Set(['Loaded <*> cert <*>']));
  });

  it('merges a value in square brackets of one word with values of several', () => {
    const cgroups = ['kubepods', 'kubepods besteffort', 'kubepods burstable'].map((k) => `The Cgroup [${k}] has some missing paths: [/sys/fs/cgroup/cpu]`);
    expect(new Set(templatesOf(cgroups))).toEqual(new Set(['The Cgroup <*> has some missing paths: [<*>]']));
  });

  it('merges templates of different lengths where a value has several words or none', () => {
    const names = ['deployment', 'job', 'garbage collector', 'TTL after finished', 'service account', 'endpoint'];
    expect(new Set(templatesOf(names.map((n) => `Caches are synced for ${n}`)))).toEqual(new Set(['Caches are synced for <*>']));
    const users = ['bob', 'alice', 'carol', ''].map((u, i) => `Invalid user ${u} from 10.0.0.${i} port ${4000 + i}`);
    expect(new Set(templatesOf(users))).toEqual(new Set(['Invalid user <*> from <*> port <*>']));
  });

  it('does not merge across lengths a phrase with a value of its own, or an optional key=value pair', () => {
    const failed = ['root', 'admin', 'test', 'invalid user bob', 'invalid user eve', 'invalid user joe'].map((u, i) => `Failed password for ${u} from 10.0.0.${i} port ${4000 + i} ssh2`);
    expect(new Set(templatesOf(failed)).size).toBe(2);
    const pam = ['', ' user=root', ' user=news', ' user=test'].flatMap((u, i) => [1, 2, 3].map((k) => `authentication failure; logname= uid=${k} euid=${i} tty=ssh ruser= rhost=10.0.${i}.${k}${u}`));
    expect(new Set(templatesOf(pam)).size).toBe(2);
  });

  it('does not split a position where one value is the wildcard alone and another holds one (<*> / http:<*>)', () => {
    const requests = ['/', '/a', '/b/c', 'http://example.org/x'].map((u, i) => `10.0.0.${i} "GET ${u} HTTP/1.1" ${200 + i}`);
    expect(new Set(templatesOf(requests))).toEqual(new Set(['<*> "GET <*> HTTP/<*>" <*>']));
  });

  it('takes a word after a key as a value, however few values it has', () => {
    const events = ['CONTAINER_REMOTE_LAUNCH', 'CONTAINER_REMOTE_CLEANUP'].map((e, i) => `Processing the event EventType: ${e} for container c_${i} taskAttempt a_${i}`);
    expect(new Set(templatesOf(events))).toEqual(new Set(['Processing the event EventType: <*> for container <*> taskAttempt <*>']));
    const keyed = ['root', 'guest'].map((u, i) => `authentication failure; uid=${i} tty=ssh user=${u}`);
    expect(new Set(templatesOf(keyed))).toEqual(new Set(['authentication failure; uid=<*> tty=ssh <*>']));
    // Without a key, two words stay two templates.
    expect(new Set(templatesOf(['job alpha finished in 1 s', 'job beta finished in 2 s'])).size).toBe(2);
  });

  it('groups messages whose variable is present or absent, or of another length, in one template', () => {
    const sent = templatesOf(['proxy.example.com:5070 close, 1190 bytes (1.16 KB) sent, 0 bytes received, lifetime 00:01', 'proxy.example.com:5070 close, 0 bytes sent, 0 bytes received, lifetime <1 sec']);
    expect(new Set(sent)).toEqual(new Set(['<*> close, <*> bytes sent, <*> bytes received, lifetime <*>']));
  });

  it('merges a position where some values are masked and others are not', () => {
    const texts = templatesOf(['connection from 10.0.0.1 via host-7.example.org at 10:00', 'connection from 10.0.0.2 via localhost at 11:00']);
    expect(new Set(texts)).toEqual(new Set(['connection from <*> via <*> at <*>']));
  });

  it('merges a short message whose variable word has many siblings', () => {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin'];
    expect(new Set(templatesOf(names.map((n) => `Invalid user ${n}`)))).toEqual(new Set(['Invalid user <*>']));
    expect(new Set(templatesOf(names.slice(0, 3).map((n) => `Invalid user ${n}`))).size).toBe(3);
  });

  it('takes no sibling evidence from messages that are all variables but the varying word', () => {
    const states = ['started', 'stopped', 'failed', 'paused', 'resumed'].map((w) => `10.0.0.1:80 ${w}`);
    expect(new Set(templatesOf(states)).size).toBe(5);
  });

  it('routes a leading dotted name as a variable: one template for many job or logger names', () => {
    const jobs = ['xyz', 'abc', 'backupd', 'mdworker', 'spotlight'].map((j, i) => `com.apple.${j}.daily: scheduled run ${i}`);
    expect(new Set(templatesOf(jobs))).toEqual(new Set(['<*> scheduled run <*>']));
  });

  it('routes by the first token: different leading words are different templates', () => {
    const daemons = ['cupsd', 'hcid', 'klogd', 'sdpd'].map((d) => `${d} startup succeeded`);
    expect(new Set(templatesOf(daemons)).size).toBe(4);
  });

  it('gives template ids that are hashes of the template text', () => {
    const miner = createSignatureMiner();
    for (const u of ['a', 'b', 'c']) miner.signature(`user ${u} logged out after 5 s`);
    const catalog = createTemplateCatalog({}, miner.drain());
    const [t] = catalog.templates();
    expect(t.text).toBe('user <*> logged out after <*>');
    expect(t.id).toBe(templateIdOfText('user <*> logged out after <*>'));
    expect(createTemplateCatalog().add([{ id: 1, text: t.text }])[0].template).toBe(t.id);
    expect(t).toMatchObject({ tokens: 6, count: 3 });
    expect(t.signatures).toHaveLength(3);
  });

  it('takes a first word as a value where the same template has a masked value there', () => {
    const zones = ['DMA', 'Normal', 'DMA32'].map((z, i) => `${z} zone: ${i + 3} pages used for memmap`);
    expect(templatesOf(zones)).toEqual(Array(3).fill('<*> zone: <*> pages used for memmap'));
    // Without a masked first word, or with fewer than two constant words after it: apart.
    expect(new Set(templatesOf(zones.slice(0, 2))).size).toBe(2);
    expect(new Set(templatesOf(['DMA [mem 0x1000-0x2000]', 'DMA32 [mem 0x3000-0x4000]'])).size).toBe(2);
  });

  it('joins first words that are values when the masked one comes later, and parts them when it goes', () => {
    const sig = (text: string): CatalogSignature => ({ id: signatureIdOfText(text), text, count: 1 });
    const dma = sig('DMA zone: <*> pages used for memmap');
    const normal = sig('Normal zone: <*> pages used for memmap');
    const masked = sig('<*> zone: <*> pages used for memmap');
    const catalog = createTemplateCatalog();
    catalog.add([dma, normal]);
    const before = [catalog.templateOf(dma.id), catalog.templateOf(normal.id)];
    const changes = catalog.add([masked]);
    const joined = templateIdOfText(masked.text);
    expect(changes).toEqual(
      [
        { signature: dma.id, template: joined, previous: before[0] },
        { signature: normal.id, template: joined, previous: before[1] },
        { signature: masked.id, template: joined },
      ].sort((a, b) => a.signature - b.signature),
    );
    expect(catalog.templates()).toEqual([{ id: joined, text: masked.text, tokens: 7, signatures: [dma.id, normal.id, masked.id].sort((a, b) => a - b), count: 3 }]);
    expect(catalog.template(before[0]!)).toBeUndefined();
    // The same from the set in one add, in any order.
    const once = createTemplateCatalog({}, [masked, normal, dma]);
    expect([dma, normal, masked].map((s) => once.templateOf(s.id))).toEqual([joined, joined, joined]);
    // When the masked one's template changes, the others go back to their own.
    const other = sig('<*> zone: <*> pages used for bitmap');
    const more = sig('<*> zone: <*> pages used for cache');
    const third = sig('<*> zone: <*> pages used for dirty');
    catalog.add([other, more, third]);
    expect(catalog.template(catalog.templateOf(masked.id)!)!.text).toBe('<*> zone: <*> pages used for <*>');
    expect(catalog.templateOf(dma.id)).toBe(before[0]);
    expect(catalog.templateOf(normal.id)).toBe(before[1]);
  });

  it('reports the signatures whose template changed when a later add generalises it', () => {
    const sig = (text: string): CatalogSignature => ({ id: signatureIdOfText(text), text, count: 1 });
    const catalog = createTemplateCatalog();
    const first = catalog.add([sig('user alice logged in today'), sig('user bob logged in today')]);
    expect(first.map((c) => c.previous)).toEqual([undefined, undefined]);
    expect(new Set(first.map((c) => c.template)).size).toBe(2);
    const second = catalog.add([sig('user carol logged in today')]);
    const merged = catalog.templateOf(sig('user carol logged in today').id)!;
    expect(catalog.template(merged)!.text).toBe('user <*> logged in today');
    expect(second).toHaveLength(3);
    expect(second.every((c) => c.template === merged)).toBe(true);
    expect(second.filter((c) => c.previous !== undefined)).toHaveLength(2);
    // Known signatures add their counts and change nothing.
    expect(catalog.add([sig('user alice logged in today')])).toEqual([]);
    expect(catalog.template(merged)!.count).toBe(4);
    expect(catalog.templates().map((t) => t.text)).toEqual(['user <*> logged in today']);
  });

  it('is rebuilt from its exported signatures', () => {
    const miner = createSignatureMiner();
    for (let i = 0; i < 50; i++) miner.signature(`worker ${['alpha', 'beta', 'gamma', 'delta'][i % 4]} took ${i} ms on node-${i % 7}`);
    const catalog = createTemplateCatalog({}, miner.drain());
    const copy = createTemplateCatalog({}, JSON.parse(JSON.stringify(catalog.signatures())) as CatalogSignature[]);
    expect(copy.templates()).toEqual(catalog.templates());
  });

  it('rejects options out of range', () => {
    expect(() => createTemplateCatalog({ st: 0 })).toThrow(ConfigError);
    expect(() => createTemplateCatalog({ st: 1.5 })).toThrow(/similarity threshold/);
    expect(() => createTemplateCatalog({ depth: -1 })).toThrow(ConfigError);
    expect(() => createTemplateCatalog({ minValues: 1 })).toThrow(ConfigError);
    expect(() => createTemplateCatalog({ siblings: 0.5 })).toThrow(ConfigError);
  });
});
