/**
 * Hand-made ground truth for template mining on real logs nobody here wrote: fourteen files of the
 * real-log dev set ($LOGSCOPE_REALLOGS, see its README; the data stays there, only these rules
 * live in the repo), labelled by a person reading the messages, without running the miner on
 * them, following Loghub's conventions: a template is the constant text of one log statement;
 * the parts that change between its occurrences (numbers, ids, hex, paths, hosts, users,
 * durations, quoted and key=value values) are `<*>`; words that name the event (an HTTP method,
 * a state such as Started/Stopped, the action) stay in the template, so two statements that
 * differ in such a word are two templates.
 *
 * Per file, an ordered list of rules: the first rule whose `re` matches a message labels it with
 * `template`; equal template strings are one true group. Every message of the capped sample
 * (the first `REALLOG_CAP` messages as ingest parses them, `realLogMessages` in miner-eval.ts)
 * is matched by some rule, and every rule matches some message (test/detect/reallog-labels.test.ts).
 *
 * The split into two halves was fixed before any file was labelled: half A is where mining rules
 * may be developed, half B is held out to check them. Half C (six more files of other kinds: IIS,
 * HAProxy, an OpenTelemetry collector, a desktop auth.log, RabbitMQ, Kafka with ZooKeeper) was
 * added later, labelled without looking at the miner's output, and is held out from both.
 * Halves D and E (bench/reallog-labels-d.ts, bench/reallog-labels-e.ts: postfix, Elasticsearch,
 * kubelet and a kernel boot log; an AIX application syslog, cloud-init, Redis and Tomcat) were
 * added as a second pair, split before any was labelled: rules may be developed on D, E is held
 * out to check them, as C is.
 */

import { t, templateSource, under, type LabelRule } from './label-rule.js';
import { REALLOG_HALF_D, REALLOG_LABELS_D } from './reallog-labels-d.js';
import { REALLOG_HALF_E, REALLOG_LABELS_E } from './reallog-labels-e.js';

export type { LabelRule } from './label-rule.js';
export { REALLOG_HALF_D } from './reallog-labels-d.js';
export { REALLOG_HALF_E } from './reallog-labels-e.js';

/** How many messages of each file are labelled: the first 600, the same cap for every file. */
export const REALLOG_CAP = 600;

/** Files (relative to the real-log dev set) where rules are developed. */
export const REALLOG_HALF_A = [
  'syslog/log.plemma_auth.log',
  'java/yuntai-spring-cloud_spring.log',
  'python/ops-api_ops.log',
  'misc/BetterChatRoom_mongod.log',
] as const;

/** Files held out to check rules developed on half A. */
export const REALLOG_HALF_B = [
  'syslog/syslogs_messages',
  'k8s/Kind-Fluentd-With-Local-Elastic-Container_kube-controller-manager-kind-control-plane_kube-system_kube-controller-manager-0e570b699f9e49dbd113a698f4d0fdbab742414bbee3d77269b08c35aef8370b.log',
  'web/mysite_error.log',
  'cloud/django-HackerNews_heroku.log',
] as const;

/**
 * Files held out from everything: labelled by someone who had not seen the miner's output on
 * them, and not to be used to develop or tune rules; score them only to check rules kept on A and B.
 */
export const REALLOG_HALF_C = [
  'web/WebKnowIT_u_ex151020.log',
  'misc/haproxy_log_analysis_script_haproxy.log',
  'misc/opentelemetry-demo_otel-collector.log',
  'syslog/tlvlogs_auth.log',
  'misc/IT340_rabbit@asim-VirtualBox.log',
  'java/kafka_server.log',
] as const;

export type LabelledFile =
  | (typeof REALLOG_HALF_A)[number]
  | (typeof REALLOG_HALF_B)[number]
  | (typeof REALLOG_HALF_C)[number]
  | (typeof REALLOG_HALF_D)[number]
  | (typeof REALLOG_HALF_E)[number];

/** sshd, pam_unix and cron on an internet-facing VPS: brute-force attempts, cron sessions. */
const AUTH_LOG: LabelRule[] = [
  t('pam_unix(sshd:auth): authentication failure; logname= uid=<*> euid=<*> tty=ssh ruser= rhost=<*>  user=<*>'),
  t('PAM: Authentication failure for <*> from <*>'),
  t('Disconnected from authenticating user <*> <*> port <*> [preauth]'),
  t('Disconnected from invalid user <*> <*> port <*> [preauth]'),
  // The disconnect reason is the client's fixed text: Loghub keeps each reason as its own template.
  t('Received disconnect from <*> port <*>:<*>: Bye Bye [preauth]'),
  { re: /^Received disconnect from \S+ port \d+:\d+:  \[preauth\]$/, template: 'Received disconnect from <*> port <*>:<*>:  [preauth]' },
  t('pam_unix(cron:session): session opened for user <*> by (uid=<*>)'),
  t('pam_unix(cron:session): session closed for user <*>'),
  t('Connection closed by invalid user <*> <*> port <*> [preauth]'),
  { re: /^Connection closed by \S+ port \d+ \[preauth\]$/, template: 'Connection closed by <*> port <*> [preauth]' },
  t('Invalid user <*> from <*> port <*>'),
  t('Did not receive identification string from <*> port <*>'),
  t("Bad protocol version identification '<*>' from <*> port <*>"),
];

/** Django's development server: one request line per HTTP method, responses logged by reason. */
const OPS_API_LOG: LabelRule[] = [
  t('"GET <*> HTTP/<*>" <*> <*>'),
  t('"POST <*> HTTP/<*>" <*> <*>'),
  t('"PUT <*> HTTP/<*>" <*> <*>'),
  t('"DELETE <*> HTTP/<*>" <*> <*>'),
  t('Internal Server Error: <*>'),
  t('Bad Request: <*>'),
  t('Unauthorized: <*>'),
  t('Not Found: <*>'),
  t('Watching for file changes with StatReloader'),
];

/** MongoDB 4.2 text log (component, [context], message); the context (thread, connN) varies per statement. */
const MONGOD_LOG: LabelRule[] = [
  t('STORAGE  [<*>] WiredTiger message [<*>][<*>], txn-recover: Recovering log <*> through <*>'),
  t('STORAGE  [<*>] WiredTiger message [<*>][<*>], txn-recover: Set global recovery timestamp: (<*>, <*>)'),
  t('STORAGE  [<*>] WiredTiger message [<*>][<*>], txn-recover: Main recovery loop: starting at <*> to <*>'),
  t('STORAGE  [<*>] WiredTiger error (<*>) [<*>][<*>], connection: <*>'),
  t("CONTROL  [<*>] Automatically disabling TLS <*>, to force-enable TLS <*> specify --sslDisabledProtocols 'none'"),
  t('CONTROL  [<*>] ***** SERVER RESTARTED *****'),
  t('CONTROL  [<*>] MongoDB starting : pid=<*> port=<*> dbpath=<*> <*>-bit host=<*>'),
  t('ASIO     [<*>] No TransportLayer configured during NetworkInterface startup'),
  t('STORAGE  [<*>] wiredtiger_open config: <*>'),
  t("STORAGE  [<*>] Detected data files in <*> created by the '<*>' storage engine, so setting the active storage engine to '<*>'."),
  t('CONTROL  [<*>] targetMinOS: <*>'),
  t('CONTROL  [<*>] options: <*>'),
  t('CONTROL  [<*>] modules: <*>'),
  t('CONTROL  [<*>] git version: <*>'),
  t('CONTROL  [<*>] db version v<*>'),
  t('CONTROL  [<*>] build environment:'),
  t('CONTROL  [<*>] allocator: <*>'),
  // One line per build-environment key: the key names the line, the value is the variable.
  t('CONTROL  [<*>]     target_arch: <*>'),
  t('CONTROL  [<*>]     distmod: <*>'),
  t('CONTROL  [<*>]     distarch: <*>'),
  t('[<*>] Stopping further Flow Control ticket acquisitions.'),
  t('STORAGE  [<*>] Timestamp monitor starting'),
  t('STORAGE  [<*>] Flow Control is enabled on this deployment.'),
  t('STORAGE  [<*>] shutdown: removing fs lock...'),
  t('STORAGE  [<*>] WiredTigerKVEngine shutting down'),
  t('STORAGE  [<*>] Timestamp monitor shutting down'),
  t('STORAGE  [<*>] Shutting down session sweeper thread'),
  t('STORAGE  [<*>] Shutting down journal flusher thread'),
  t('STORAGE  [<*>] Shutting down checkpoint thread'),
  t('STORAGE  [<*>] Finished shutting down session sweeper thread'),
  t('STORAGE  [<*>] Finished shutting down journal flusher thread'),
  t('STORAGE  [<*>] Finished shutting down checkpoint thread'),
  t('STORAGE  [<*>] Deregistering all the collections'),
  t('SHARDING [<*>] Marking collection <*> as collection version: <unsharded>'),
  t('RECOVERY [<*>] WiredTiger recoveryTimestamp. Ts: Timestamp(<*>, <*>)'),
  t('NETWORK  [<*>] waiting for connections on port <*>'),
  t('NETWORK  [<*>] Listening on <*>'),
  t('NETWORK  [<*>] shutdown: going to close listening sockets...'),
  t("FTDC     [<*>] Initializing full-time diagnostic data capture with directory '<*>'"),
  t('FTDC     [<*>] Shutting down full-time diagnostic data capture'),
  t('CONTROL  [<*>] Ctrl-C signal'),
  t('CONTROL  [<*>] shutting down with code:<*>'),
  t('CONTROL  [<*>] now exiting'),
  t('CONTROL  [<*>] got CTRL_C_EVENT, will terminate after current cmd ends'),
  t('CONTROL  [<*>] Shutting down free monitoring'),
  // "1 connection" / "2 connections": one statement, the plural follows the count.
  { re: /^NETWORK {2}\[[^\]]+\] connection accepted from \S+ #\d+ \(\d+ connections? now open\)$/, template: 'NETWORK  [<*>] connection accepted from <*> #<*> (<*> connection(s) now open)' },
  { re: /^NETWORK {2}\[[^\]]+\] end connection \S+ \(\d+ connections? now open\)$/, template: 'NETWORK  [<*>] end connection <*> (<*> connection(s) now open)' },
  t('NETWORK  [<*>] received client metadata from <*> <*>: <*>'),
  t('ACCESS   [<*>] Successfully authenticated as principal <*> on <*> from client <*>'),
  t('STORAGE  [<*>] Timestamp monitor is stopping due to: <*>'),
  t('[<*>] Fatal Assertion <*> at <*> <*>'),
  { re: /^\[[^\]]+\] $/, template: '[<*>] ' },
  t('STORAGE  [<*>] Reason: <*>: <*>'),
  t('STORAGE  [<*>] Failed to start up WiredTiger under any compatibility version.'),
];

/** Spring Boot's default pattern as the message: "pid --- [thread] logger : text"; pid and thread vary, the logger is part of the statement. */
function spring(logger: string, bodies: readonly string[]): LabelRule[] {
  return under({ re: `\\d+ --- \\[[^\\]]*\\] ${templateSource(logger)} *: `, template: `<*> --- [<*>] ${logger} : ` }, bodies);
}

const SPRING_LOG: LabelRule[] = [
  ...spring('c.n.c.sources.URLConfigurationSource', [
    'To enable URLs as dynamic configuration sources, define System property archaius.configurationSource.additionalUrls or make config.properties available on classpath.',
    'No URLs will be polled as dynamic configuration sources.',
  ]),
  ...spring('com.alibaba.nacos.client.naming', [
    'initializer namespace from System Property :<*>',
    'initializer namespace from System Environment :<*>',
    '[REGISTER-SERVICE] <*> registering service <*> with instance: <*>',
    '[DEREGISTER-SERVICE] <*> deregistering service <*> with instance: <*>',
    '[BEAT] removing beat: <*> from beat map.',
    '[BEAT] adding beat: <*> to beat map.',
  ]),
  ...spring('.d.s.w.r.o.CachingOperationNameGenerator', ['Generating unique operation named: <*>']),
  ...spring('trationDelegate$BeanPostProcessorChecker', [
    "Bean '<*>' of type [<*>] is not eligible for getting processed by all BeanPostProcessors (for example: not eligible for auto-proxying)",
  ]),
  ...spring('o.s.cloud.context.scope.GenericScope', ['BeanFactory id=<*>']),
  ...spring('com.yuntai.web.AuthWebApplication', [
    'No active profile set, falling back to default profiles: <*>',
    'Started AuthWebApplication in <*> seconds (JVM running for <*>)',
    '',
  ]),
  ...spring('com.alibaba.druid.pool.DruidDataSource', ['{<*>} inited', '{<*>} closing ...', '{<*>} closed']),
  ...spring('c.a.d.s.b.a.DruidDataSourceAutoConfigure', ['Init DruidDataSource']),
  ...spring('pertySourcedRequestMappingHandlerMapping', ['Mapped URL path [<*>] onto method [<*>]']),
  ...spring('org.apache.catalina.core.StandardEngine', ['Starting Servlet engine: [<*>]']),
  ...spring('o.s.web.context.ContextLoader', ['Root WebApplicationContext: initialization completed in <*> ms']),
  ...spring('o.s.b.w.embedded.tomcat.TomcatWebServer', [
    'Tomcat initialized with port(s): <*> (http)',
    "Tomcat started on port(s): <*> (http) with context path '<*>'",
  ]),
  ...spring('o.apache.catalina.core.StandardService', ['Starting service [<*>]']),
  ...spring('o.a.c.c.C.[Tomcat].[localhost].[/]', [
    'Initializing Spring embedded WebApplicationContext',
    "Initializing Spring DispatcherServlet '<*>'",
  ]),
  ...spring('c.b.m.core.metadata.TableInfoHelper', ['Warn: Could not find @TableId in Class: <*>.']),
  ...spring('s.d.s.w.s.ApiListingReferenceScanner', ['Scanning for api listing references']),
  // The request matcher's kind is part of the line: an Ant pattern, or "any request".
  ...spring('o.s.s.web.DefaultSecurityFilterChain', [
    "Creating filter chain: Ant [pattern='<*>'], [<*>]",
    'Creating filter chain: any request, [<*>]',
  ]),
  ...spring('o.s.s.concurrent.ThreadPoolTaskExecutor', ["Shutting down ExecutorService '<*>'", "Initializing ExecutorService '<*>'"]),
  ...spring('o.s.s.c.ThreadPoolTaskScheduler', ["Initializing ExecutorService '<*>'"]),
  ...spring('d.s.w.p.DocumentationPluginsBootstrapper', ['Found <*> custom documentation plugin(s)', 'Context refreshed']),
  ...spring('c.a.nacos.client.config.impl.CacheData', ['[<*>] [add-listener] ok, tenant=<*>, dataId=<*>, group=<*>, cnt=<*>']),
  ...spring('c.a.n.client.config.impl.ClientWorker', ['[<*>] [subscribe] <*>']),
  ...spring('c.a.c.n.registry.NacosServiceRegistry', [
    'nacos registry, <*> <*> <*> register finished',
    'De-registration finished.',
    'De-registering from Nacos Server now...',
  ]),
  ...spring('o.s.web.servlet.DispatcherServlet', ["Initializing Servlet '<*>'", 'Completed initialization in <*> ms']),
  ...spring('o.s.boot.SpringApplication', ['Application run failed']),
  ...spring('o.a.c.c.C.[.[.[/].[dispatcherServlet]', [
    'Servlet.service() for servlet [<*>] in context with path [<*>] threw exception [Request processing failed; nested exception is <*>',
  ]),
  ...spring('ConfigServletWebServerApplicationContext', ['Exception encountered during context initialization - cancelling refresh attempt: <*>']),
  ...spring('ConditionEvaluationReportLoggingListener', ['']),
];


/** ChromeOS syslog (tag[pid]: text): a suspend with the kernel's per-device PM trace, Chrome and system daemons. */
const CHROMEOS_MESSAGES: LabelRule[] = [
  t('chrome[<*>]: <*> INFO chrome[<*>]: [extensions/browser/api/web_contents_capture_client.cc:<*>] Screenshot taken'),
  t('session_manager[<*>]: INFO session_manager: [<*>/brillo/process/process_reaper.cc:<*>] Untracked process <*> terminated with status <*> (code = <*>)'),
  t('session_manager[<*>]: INFO session_manager: [<*>/login_manager/session_manager_impl.cc:<*>] LockScreen() method called.'),
  t('session_manager[<*>]: INFO session_manager: [<*>/login_manager/session_manager_impl.cc:<*>] HandleLockScreenShown() method called.'),
  t('temp_logger[<*>]:  x86_pkg_temp:<*> INT3400_Thermal:<*> TSR0:<*> TSR1:<*> TSR2:<*> TCPU:<*> TCPU_PCI:<*> iwlwifi_1:<*> PL1:<*>  '),
  // The kernel's PM trace: one line before and one after each device's suspend callback.
  t('kernel: [<*>] <*>: PM: calling <*> @ <*>, parent: <*>'),
  t('kernel: [<*>] <*>: PM: <*> returned <*> after <*> usecs'),
  t('kernel: [<*>] PM: suspend of devices complete after <*> msecs'),
  t('kernel: [<*>] PM: start suspend of devices complete after <*> msecs'),
  t('kernel: [<*>] PM: suspend entry (<*>)'),
  t('kernel: [<*>] OOM killer disabled.'),
  t('kernel: [<*>] Freezing user space processes'),
  t('kernel: [<*>] Freezing user space processes completed (elapsed <*> seconds)'),
  t('kernel: [<*>] Freezing remaining freezable tasks'),
  t('kernel: [<*>] Freezing remaining freezable tasks completed (elapsed <*> seconds)'),
  t('kernel: [<*>] Filesystems sync: <*> seconds'),
  t('kernel: [<*>] <*>: Unhandled alg: <*>'),
  // mac80211's station state machine: the step names the line.
  t('kernel: [<*>] <*>: send auth to <*> (try <*>)'),
  t('kernel: [<*>] <*>: authenticate with <*> (local address=<*>)'),
  t('kernel: [<*>] <*>: associate with <*> (try <*>)'),
  t('kernel: [<*>] <*>: authenticated'),
  t('kernel: [<*>] <*>: associated'),
  t('kernel: [<*>] <*>: deauthenticating from <*> by local choice (Reason: <*>)'),
  t('kernel: [<*>] <*>: deauthenticated from <*> while associating (Reason: <*>)'),
  t('kernel: [<*>] <*>: RX ReassocResp from <*> (capab=<*> status=<*> aid=<*>)'),
  t('kernel: [<*>] <*>: RX AssocResp from <*> (capab=<*> status=<*> aid=<*>)'),
  t('kernel: [<*>] <*>: Limiting TX power to <*> (<*> - <*>) dBm as advertised by <*>'),
  t('kernel: [<*>] <*>: <*> rejected association temporarily; comeback duration <*> TU (<*> ms)'),
  t('periodic_scheduler[<*>]: <*>: running <*>'),
  t('periodic_scheduler[<*>]: <*>: job completed'),
  t('periodic_scheduler[<*>]: <*>: process exited <*>'),
  t("usbguard-daemon[<*>]: uid=<*> pid=<*> result='SUCCESS' device.rule='<*>' device.system_name='<*>' type='Device.Present' "),
  t("usbguard-daemon[<*>]: uid=<*> pid=<*> result='SUCCESS' device.rule='<*>' target.old='<*>' device.system_name='<*>' target.new='<*>' type='Policy.Device.Update' "),
  t("btadapterd[<*>]: bluetooth  gd/os/linux_generic/files.cc:<*> FileCreatedTime: unable to read '<*>' file metadata, error: <*>"),
  t('usbguard-on-lock[<*>]: Locking USB.'),
  t('trunksd[<*>]: Received command <*> while suspended.'),
  t('trunksd[<*>]: Finished saving contexts.'),
  t('tpm_managerd[<*>]: PeriodicResetDictionaryAttackCounterTask: DA reset succeeded.'),
  t('shill[<*>]: ERROR shill: [<*>/brillo/dbus/dbus_method_invoker.h:<*>] CallMethodAndBlockWithTimeout(...): Domain=<*>, Code=<*>, Message=<*>'),
  t('shill[<*>]: ERROR shill: [<*>/libchrome/dbus/object_proxy.cc:<*>] Failed to call method: <*>: object_path= <*>: <*>: <*>'),
  t('rsyslogd[<*>]: [origin software="rsyslogd" swVersion="<*>" x-pid="<*>" x-info="<*>"] rsyslogd was HUPed'),
  t('rsyslogd[<*>]: -- MARK --'),
  t('resourced[<*>]: using RPS boost sysfs entry'),
  t('resourced[<*>]: Thermal state <*>'),
  t('resourced[<*>]: Power source <*>'),
  t('powerd_suspend[<*>]: Going to suspend-to-RAM state: args=<*>'),
  t('powerd_suspend[<*>]: Finalizing suspend'),
  t('pciguard[<*>]: INFO pciguard: [<*>/pciguard/sysfs_utils.cc:<*>] Will deny all new external PCI devices'),
  t('pciguard[<*>]: INFO pciguard: [<*>/pciguard/event_handler.cc:<*>] CurrentState=<*>, UserPermission=<*>, received event=<*>'),
  t('patchpaneld[<*>]: ERROR patchpaneld: [<*>/patchpanel/network_monitor_service.cc:<*>] Neighbor becomes <*> from <*> on <*> { addr: <*>, role: <*>, state: <*> }'),
  t('machine-id-regen[<*>]: Not regenerating since we did so <*> seconds ago'),
  t('cryptohomed[<*>]: AuthSession: started with is_ephemeral_user=<*> intent=<*> user_exists=<*> factors=<*> verifiers=<*>.'),
  t('cryptohomed[<*>]: AuthSession: invalidated.'),
  t('cryptohomed[<*>]: AuthSession: <*> AuthSession expired.'),
  t('cras_server[<*>]: pcm_avail returned frames larger than buf_size: <*>: <*>: <*> > <*>'),
  t('cras_server[<*>]: AudioFRA:<*> context:<*>'),
];

/**
 * klog's header as part of the message: "Lmmdd hh:mm:ss.uuuuuu pid file:line] text". The level
 * letter and the source file name the statement; the date, time, pid and line number are `<*>`.
 */
function klog(level: 'I' | 'W' | 'E', file: string, body: string): LabelRule {
  return {
    re: new RegExp(`^${level}\\d{4} [\\d:.]+ +\\d+ ${templateSource(file)}:\\d+\\] ${templateSource(body)}$`, 's'),
    template: `${level}<*> <*> <*> ${file}:<*>] ${body}`,
  };
}

/** kube-controller-manager in a kind cluster (CRI log wrapping klog): one start-up and a few syncs. */
const CONTROLLER_MANAGER_LOG: LabelRule[] = [
  klog('I', 'replica_set.go', '"Finished syncing" logger=<*> kind=<*> key=<*> duration=<*>'),
  klog('I', 'replica_set.go', '"Starting controller" logger=<*> name=<*>'),
  klog('I', 'range_allocator.go', '"Successfully synced" logger=<*> key=<*>'),
  klog('I', 'range_allocator.go', '"Starting range CIDR allocator" logger=<*>'),
  klog('I', 'range_allocator.go', '"Set node PodCIDR" logger=<*> node=<*> podCIDRs=<*>'),
  klog('I', 'range_allocator.go', '"Sending events to api server" logger=<*>'),
  klog('I', 'range_allocator.go', '"No Secondary Service CIDR provided. Skipping filtering out secondary service addresses" logger=<*>'),
  klog('I', 'dynamic_serving_content.go', '"Starting controller" name=<*>'),
  klog('I', 'dynamic_cafile_content.go', '"Starting controller" name=<*>'),
  klog('W', 'shared_informer.go', 'resyncPeriod <*> is smaller than resyncCheckPeriod <*> and the informer has already started. Changing it to <*>'),
  klog('I', 'shared_informer.go', 'Waiting for caches to sync for <*>'),
  klog('I', 'shared_informer.go', 'Caches are synced for <*>'),
  klog('W', 'type.go', 'The watchlist request for <*> ended with an error, falling back to the standard LIST semantics, err = <*>'),
  klog('I', 'ttlafterfinished_controller.go', '"Starting TTL after finished controller" logger=<*>'),
  klog('I', 'ttl_controller.go', '"Starting TTL controller" logger=<*>'),
  klog('I', 'tokencleaner.go', '"Starting token cleaner controller" logger=<*>'),
  klog('I', 'tlsconfig.go', '"Starting DynamicServingCertificateController"'),
  klog('I', 'taint_eviction.go', '"Starting" logger=<*> controller=<*>'),
  klog('I', 'taint_eviction.go', '"Sending events to api server" logger=<*>'),
  klog('I', 'stateful_set.go', '"Starting stateful set controller" logger=<*>'),
  klog('I', 'serving.go', 'Generated self-signed cert in-memory'),
  klog('I', 'serviceaccounts_controller.go', '"Starting service account controller" logger=<*>'),
  klog('I', 'secure_serving.go', 'Serving securely on <*>'),
  klog('I', 'resource_quota_monitor.go', '"QuotaMonitor running" logger=<*>'),
  klog('I', 'resource_quota_monitor.go', '"QuotaMonitor created object count evaluator" logger=<*> resource=<*>'),
  klog('I', 'resource_quota_controller.go', '"Starting resource quota controller" logger=<*>'),
  klog('I', 'pvc_protection_controller.go', '"Starting PVC protection controller" logger=<*>'),
  klog('I', 'pv_protection_controller.go', '"Starting PV protection controller" logger=<*>'),
  klog('I', 'pv_controller_base.go', '"Starting persistent volume controller" logger=<*>'),
  klog('I', 'publisher.go', '"Starting root CA cert publisher controller" logger=<*>'),
  klog('I', 'node_lifecycle_controller.go', '"Starting node controller" logger=<*>'),
  klog('I', 'node_lifecycle_controller.go', '"Sending events to api server" logger=<*>'),
  klog('I', 'node_lifecycle_controller.go', '"Missing timestamp for Node. Assuming now as a timestamp" logger=<*> node=<*>'),
  klog('I', 'node_lifecycle_controller.go', '"Initializing eviction metric for zone" logger=<*> zone=<*>'),
  klog('I', 'node_lifecycle_controller.go', '"Controller will reconcile labels" logger=<*>'),
  klog('I', 'node_lifecycle_controller.go', '"Controller detected that some Nodes are Ready. Exiting master disruption mode" logger=<*>'),
  klog('I', 'node_lifecycle_controller.go', '"Controller detected that all Nodes are not-Ready. Entering master disruption mode" logger=<*>'),
  klog('I', 'node_ipam_controller.go', '"Starting ipam controller" logger=<*>'),
  klog('I', 'namespace_controller.go', '"Starting namespace controller" logger=<*>'),
  klog('I', 'legacy_serviceaccount_token_cleaner.go', '"Starting legacy service account token cleaner controller" logger=<*>'),
  klog('I', 'leaderelection.go', 'successfully acquired lease <*>'),
  klog('I', 'leaderelection.go', 'attempting to acquire leader lease <*>...'),
  klog('E', 'leaderelection.go', 'error retrieving resource lock <*>: <*>'),
  klog('I', 'job_controller.go', '"Starting job controller" logger=<*>'),
  klog('I', 'horizontal.go', '"Starting HPA controller" logger=<*>'),
  klog('I', 'graph_builder.go', '"Running" logger=<*> component=<*>'),
  klog('I', 'gc_controller.go', '"Starting GC controller" logger=<*>'),
  klog('I', 'garbagecollector.go', '"Starting controller" logger=<*> controller=<*>'),
  klog('I', 'garbagecollector.go', '"Proceeding to collect garbage" logger=<*>'),
  klog('I', 'garbagecollector.go', '"Garbage collector: all resource monitors have synced" logger=<*>'),
  klog('I', 'expand_controller.go', '"Starting expand controller" logger=<*>'),
  klog('I', 'event.go', '"Event occurred" object=<*> fieldPath=<*> kind=<*> apiVersion=<*> type=<*> reason=<*> message=<*>'),
  klog('I', 'endpointslicemirroring_controller.go', '"Starting EndpointSliceMirroring controller" logger=<*>'),
  klog('I', 'endpointslice_controller.go', '"Starting endpoint slice controller" logger=<*>'),
  klog('I', 'endpoints_controller.go', '"Starting endpoint controller" logger=<*>'),
  klog('I', 'disruption.go', '"Starting disruption controller" logger=<*>'),
  klog('I', 'disruption.go', '"Sending events to api server." logger=<*>'),
  klog('I', 'deployment_controller.go', '"Starting controller" logger=<*> controller=<*>'),
  klog('I', 'daemon_controller.go', '"Starting daemon sets controller" logger=<*>'),
  klog('I', 'cronjob_controllerv2.go', '"Starting cronjob controller v2" logger=<*>'),
  klog('I', 'controllermanager.go', '"Warning: skipping controller" controller=<*>'),
  klog('I', 'controllermanager.go', '"Starting" version=<*>'),
  klog('I', 'controllermanager.go', '"Started controller" controller=<*>'),
  klog('I', 'controllermanager.go', '"Skipping a cloud provider controller" controller=<*>'),
  klog('I', 'controllermanager.go', '"Golang settings" GOGC=<*> GOMAXPROCS=<*> GOTRACEBACK=<*>'),
  klog('I', 'controllermanager.go', '"Controller is disabled by a feature gate" controller=<*> requiredFeatureGates=<*>'),
  klog('I', 'controller.go', '"Starting ephemeral volume controller" logger=<*>'),
  klog('I', 'clusterroleaggregation_controller.go', '"Starting ClusterRoleAggregator controller" logger=<*>'),
  klog('I', 'cleaner.go', '"Starting CSR cleaner controller" logger=<*>'),
  klog('I', 'certificate_controller.go', '"Starting certificate controller" logger=<*> name=<*>'),
  klog('I', 'attach_detach_controller.go', '"Starting attach detach controller" logger=<*>'),
  klog('I', 'actual_state_of_world.go', '"Failed to update statusUpdateNeeded field in actual state of world" logger=<*> err=<*>'),
];

/** nginx error log in front of gunicorn: the messages after nginx's "pid#tid: *conn" prefix. */
const NGINX_ERROR_LOG: LabelRule[] = [
  t('connect() to <*> failed (<*>: <*>) while connecting to upstream'),
  t('upstream prematurely closed connection while reading response header from upstream'),
  t('recv() failed (<*>: <*>) while reading response header from upstream'),
  t('upstream sent too big header while reading response header from upstream'),
  t('worker process <*> exited on signal <*>'),
  t('open() "<*>" failed (<*>: <*>)'),
];

/** Heroku logplex: router request lines (one per method), dyno state changes, gunicorn and the app's own prints. */
const HEROKU_ROUTER_GET = 'heroku[router]: at=info method=GET path=<*> host=<*> request_id=<*> fwd=<*> dyno=<*> connect=<*> service=<*> status=<*> bytes=<*>';
const HEROKU_LOG: LabelRule[] = [
  t(HEROKU_ROUTER_GET),
  t('heroku[router]: at=info method=POST path=<*> host=<*> request_id=<*> fwd=<*> dyno=<*> connect=<*> service=<*> status=<*> bytes=<*>'),
  // logplex cut a few router lines short: still the GET request line, whatever its length.
  { re: /^heroku\[router\]: at=info method=GET path=.*$/s, template: HEROKU_ROUTER_GET },
  t('heroku[router]: sock=client at=error code=<*> desc="Request Interrupted" method=GET path=<*> host=<*> request_id=<*> fwd=<*> dyno=<*> connect=<*> service=<*> status=<*> bytes=<*>'),
  t('app[<*>]: [<*>] [<*>] [INFO] Worker exiting (pid: <*>)'),
  t('app[<*>]: [<*>] [<*>] [INFO] Booting worker with pid: <*>'),
  t('app[<*>]: [<*>] [<*>] [INFO] Using worker: <*>'),
  t('app[<*>]: [<*>] [<*>] [INFO] Listening at: <*> (<*>)'),
  t('app[<*>]: [<*>] [<*>] [INFO] Starting gunicorn <*>'),
  t('app[<*>]: [<*>] [<*>] [INFO] Shutting down: Master'),
  t('app[<*>]: [<*>] [<*>] [INFO] Handling signal: <*>'),
  // A dyno's states name the change: each from/to pair is its own event.
  t('heroku[<*>]: State changed from starting to up'),
  t('heroku[<*>]: State changed from up to down'),
  t('heroku[<*>]: State changed from down to starting'),
  t('heroku[<*>]: State changed from up to starting'),
  t('heroku[<*>]: Starting process with command `<*>`'),
  t('heroku[<*>]: Process exited with status <*>'),
  t('heroku[<*>]: Unidling'),
  t('heroku[<*>]: Idling'),
  // One line was cut short ("SIGTE"): the same statement.
  { re: /^heroku\[[^\]]+\]: Stopping all processes with SIG\w*$/, template: 'heroku[<*>]: Stopping all processes with SIGTERM' },
  t('heroku[slug-compiler]: Slug compilation started'),
  t('heroku[slug-compiler]: Slug compilation finished'),
  t('heroku[api]: Release v<*> created by <*>'),
  t('heroku[api]: Deploy <*> by <*>'),
  t('app[<*>]: testing web application using twill and python <*>'),
  t("app[<*>]: ['DoesNotExist', <*>]"),
  // The app prints a post's title and its score: one print statement.
  { re: /^app\[[^\]]+\]: .+ \d+\.\d+e-\d+$/, template: 'app[<*>]: <*> <*>' },
];

/** IIS W3C log (Windows): the message is the request's method and URI stem; the method names the event. */
const IIS_LOG: LabelRule[] = [t('GET <*>'), t('OPTIONS <*>')];

/**
 * HAProxy HTTP log: "client:port [accept date] frontend backend/server timers status bytes
 * cookies termination-state conns queues "request"". One statement; the request's method names
 * the event. HAProxy cuts a long request line short (no closing `HTTP/1.1"`): still the GET line.
 */
const HAPROXY_GET = '<*>:<*> [<*>] <*> <*>/<*> <*> <*> <*> - - ---- <*> <*> "GET <*>';
const HAPROXY_LOG: LabelRule[] = [
  { re: /^\S+:\d+ \[[^\]]+\] \S+ \S+\/\S+ [\d/-]+ \d+ \d+ - - ---- [\d/]+ [\d/]+ "GET .*$/s, template: HAPROXY_GET },
  t('<*>:<*> [<*>] <*> <*>/<*> <*> <*> <*> - - ---- <*> <*> "HEAD <*>"'),
];

/** OpenTelemetry collector (Go, zap): short constant event lines, the fields are elsewhere in the record. */
const OTEL_COLLECTOR_LOG: LabelRule[] = [
  // The pipeline's signal names the line (the exporter logs one line per signal it sends).
  t('Traces'),
  t('Logs'),
  t('Metrics'),
  t('Could not parse docker containerStats for container id'),
  t('Error scraping metrics'),
  t('Development component. May change in the future.'),
  t('one or more statements were modified to include their paths context, please rewrite them accordingly'),
  t('Using percentage memory limiter'),
  t('Unmaintained component. Actively looking for contributors. Component will become deprecated after <*> months of remaining unmaintained.'),
  t('Starting spanmetrics connector'),
  t('Building spanmetrics connector'),
  t('Starting otelcol-contrib...'),
  t('Starting extensions...'),
  t('Starting HTTP server'),
  t('Starting GRPC server'),
  t('Setting up own telemetry...'),
  t('Memory limiter configured'),
  t('Everything is ready. Begin running and processing data.'),
];

/** auth.log of an Ubuntu desktop (the syslog tag is not part of the message): cron and sudo sessions, polkit, logind, gnome-keyring. */
const DESKTOP_AUTH_LOG: LabelRule[] = [
  // pam_unix's prefix names the PAM service (cron, sudo, polkit-1) as a value; the module type (session/auth) and the action name the statement.
  t('pam_unix(<*>:session): session opened for user <*>(uid=<*>) by <*>(uid=<*>)'),
  t('pam_unix(<*>:session): session closed for user <*>'),
  t('pam_unix(<*>:auth): authentication failure; logname=<*> uid=<*> euid=<*> tty=<*> ruser=<*> rhost=<*>  user=<*>'),
  t('gkr-pam: no password is available for user'),
  t('gkr-pam: unlocked login keyring'),
  t("Operation '<*>' finished."),
  t("asked to register item <*>, but it's already registered"),
  t('The system will suspend now!'),
  t('Watching system buttons on <*> (<*>)'),
  t('Suspending...'),
  t('Lid opened.'),
  t('Lid closed.'),
  // sudo's command line: user, tty, working directory, target user and the command are values.
  t(' <*> : TTY=<*> ; PWD=<*> ; USER=<*> ; COMMAND=<*>'),
  t('<*>: Executing command [USER=<*>] [TTY=<*>] [CWD=<*>] [COMMAND=<*>]'),
  t('[system] Rejected send message, <*> matched rules; type="<*>", sender="<*>" (uid=<*> pid=<*> comm="<*>" label="<*>") interface="<*>" member="<*>" error name="<*>" requested_reply="<*>" destination="<*>" (uid=<*> pid=<*> comm="<*>" label="<*>")'),
  t('opening rules directory: Error opening directory “<*>”: No such file or directory (g-file-error-quark, <*>)'),
  t('Reloading rules'),
  t('Loading rules from directory <*>'),
  t('Finished loading, compiling and executing <*> rules'),
  t('Collecting garbage unconditionally...'),
];

/**
 * RabbitMQ 3.7 (lager): "<erlang pid> text", the pid a value. The older 3.6 reports in the same
 * file ("=INFO REPORT==== date ===" then the text on the next lines) reach the miner as empty
 * messages, and 3.7's multi-line banners as the pid alone: labelled as what the miner is given.
 */
function rabbit(bodies: readonly string[]): LabelRule[] {
  return under({ re: '<\\d+\\.\\d+\\.\\d+> ', template: '<*> ' }, bodies);
}

const RABBITMQ_LOG: LabelRule[] = [
  t(''),
  ...rabbit([
    '',
    'Waiting for Mnesia tables for <*> ms, <*> retries left',
    'Log file opened with Lager',
    'upgrades: Backing up mnesia dir to "<*>"',
    'upgrades: Mnesia dir backed up to "<*>"',
    'upgrades: Mnesia backup removed',
    // rabbit_upgrade logs "<scope> upgrades: ..." for the mnesia and message_store scopes alike.
    '<*> upgrades: <*> to apply',
    '<*> upgrades: Applying <*>',
    '<*> upgrades: All upgrades applied successfully',
    'message_store upgrades: No durable queues found. Skipping message store migration',
    'message_store upgrades: Removing the old message store data',
    'Memory high watermark set to <*> MiB (<*> bytes) of <*> MiB (<*> bytes) total',
    'Enabling free disk space monitoring',
    'Disk free limit set to <*>MB',
    'Limiting to approx <*> file handles (<*> sockets)',
    'FHC read buffering:  <*>',
    'FHC write buffering: <*>',
    'Peer discovery backend <*> does not support registration, skipping registration.',
    'Peer discovery backend <*> does not support registration, skipping unregistration.',
    'Priority queues enabled, real BQ is <*>',
    'Starting rabbit_node_monitor',
    "Management plugin: using rates mode '<*>'",
    "Making sure data directory '<*>' for vhost '<*>' exists",
    "Starting message stores for vhost '<*>'",
    'Message store "<*>": using <*> to provide index',
    'Message store "<*>": rebuilding indices from scratch',
    "Started message store of type <*> for vhost '<*>'",
    'Setting up a table for connection tracking on this node: <*>',
    'Setting up a table for per-vhost connection counting on this node: <*>',
    // The listener's state names the event.
    'started TCP Listener on <*>',
    'stopped TCP Listener on <*>',
    'Management plugin started. Port: <*>',
    'Statistics database started.',
    'Server startup complete; <*> plugins started.',
    'Changed loghwm of <*> to <*>',
    'RabbitMQ is asked to stop...',
    'Stopping RabbitMQ applications and their dependencies in the following order:',
    "Stopping application '<*>'",
    'Application <*> exited with reason: <*>',
    "Closing all connections in vhost '<*>' on node '<*>' because the vhost is stopping",
    "Stopping message store for directory '<*>'",
    "Message store for directory '<*>' is stopped",
    'Successfully stopped RabbitMQ and its dependencies',
    'Halting Erlang VM with the following applications:',
  ]),
];

/**
 * Kafka 3.x with its ZooKeeper on Windows (log4j "[date] LEVEL text (logger)", the logger
 * outside the message). Bracketed log idents ("[GroupCoordinator 0]: ", "[Partition x broker=0] ")
 * carry ids and thread names as values. A "key = value" or "environment:key=value" line is named
 * by its key (one statement per key), as with mongod's build environment in half A.
 */
const KAFKA_LOG: LabelRule[] = [
  t('Reading configuration from: <*>'),
  t('clientPortAddress is <*>'),
  t('secureClientPort is not set'),
  t('observerMasterPort is not set'),
  t('metricsProvider.className is <*>'),
  t('autopurge.snapRetainCount set to <*>'),
  t('autopurge.purgeInterval set to <*>'),
  t('Purge task is not scheduled.'),
  t('Either no config or no quorum defined in config, running in standalone mode'),
  t('Log4j 1.2 jmx support not found; jmx disabled.'),
  t('Starting server'),
  t('ServerMetrics initialized with provider <*>'),
  t('ACL digest algorithm is: <*>'),
  t('zookeeper.DigestAuthenticationProvider.enabled = <*>'),
  t('zookeeper.snapshot.trust.empty : <*>'),
  // ZooKeeper's start-up banner, one line a message; its blank lines leave only the logger name.
  t('(org.apache.zookeeper.server.ZooKeeperServer)'),
  t("______                  _                                          "),
  t("|___  /                 | |                                         "),
  t("/ /    ___     ___   | | __   ___    ___   _ __     ___   _ __   "),
  t("/ /    / _ \\   / _ \\  | |/ /  / _ \\  / _ \\ | '_ \\   / _ \\ | '__|"),
  t("/ /__  | (_) | | (_) | |   <  |  __/ |  __/ | |_) | |  __/ | |    "),
  t("/_____|  \\___/   \\___/  |_|\\_\\  \\___|  \\___| | .__/   \\___| |_|"),
  t("| |                     "),
  t("|_|                     "),
  ...['Server', 'Client'].flatMap((side) =>
    ['zookeeper.version', 'host.name', 'java.version', 'java.vendor', 'java.home', 'java.class.path', 'java.library.path', 'java.io.tmpdir', 'java.compiler', 'os.name', 'os.arch', 'os.version', 'user.name', 'user.home', 'user.dir', 'os.memory.free', 'os.memory.max', 'os.memory.total'].map((key) =>
      t(`${side} environment:${key}=<*>`),
    ),
  ),
  t('zookeeper.enableEagerACLCheck = <*>'),
  t('zookeeper.digest.enabled = <*>'),
  t('zookeeper.closeSessionTxn.enabled = <*>'),
  t('zookeeper.flushDelay = <*> ms'),
  t('zookeeper.maxWriteQueuePollTime = <*> ms'),
  t('zookeeper.maxBatchSize=<*>'),
  t('zookeeper.intBufferStartingSizeBytes = <*>'),
  t('Weighed connection throttling is disabled'),
  t('minSessionTimeout set to <*> ms'),
  t('maxSessionTimeout set to <*> ms'),
  // ResponseCache logs its request type (getData, getChildren) as a value in one sentence.
  t('<*> response cache size is initialized with value <*>.'),
  t('zookeeper.pathStats.slotCapacity = <*>'),
  t('zookeeper.pathStats.slotDuration = <*>'),
  t('zookeeper.pathStats.maxDepth = <*>'),
  t('zookeeper.pathStats.initialDelay = <*>'),
  t('zookeeper.pathStats.delay = <*>'),
  t('zookeeper.pathStats.enabled = <*>'),
  t('The max bytes for all large requests are set to <*>'),
  t('The large request threshold is set to <*>'),
  t('zookeeper.enforce.auth.enabled = <*>'),
  t('zookeeper.enforce.auth.schemes = <*>'),
  t('Created server with tickTime <*> ms minSessionTimeout <*> ms maxSessionTimeout <*> ms clientPortListenBacklog <*> datadir <*> snapdir <*>'),
  t('Using <*> as server connection factory'),
  t('maxCnxns is not configured, using default value <*>.'),
  t('Configuring NIO connection handler with <*>s sessionless connection timeout, <*> selector thread(s), <*> worker threads, and <*> kB direct buffers.'),
  t('binding to port <*>'),
  t('Using <*> as watch manager'),
  t('zookeeper.snapshotSizeFactor = <*>'),
  t('zookeeper.commitLogCount=<*>'),
  t('zookeeper.snapshot.compression.method = <*>'),
  t('Snapshotting: <*> to <*>'),
  t('Snapshot loaded in <*> ms, highest zxid is <*>, digest is <*>'),
  t('Snapshot taken in <*> ms'),
  t('PrepRequestProcessor (sid:<*>) started, reconfigEnabled=<*>'),
  t('zookeeper.request_throttler.shutdownTimeout = <*> ms'),
  t('Using checkIntervalMs=<*> maxPerMinute=<*> maxNeverUsedIntervalMs=<*>'),
  t('ZooKeeper audit is disabled.'),
  t('Registered kafka:type=<*> MBean'),
  t('Setting -D jdk.tls.rejectClientInitiatedRenegotiation=true to disable client-initiated TLS renegotiation'),
  t('starting'),
  t('Connecting to zookeeper on <*>'),
  t('[ZooKeeperClient <*>] Initializing a new session to <*>.'),
  t('[ZooKeeperClient <*>] Waiting until connected.'),
  t('[ZooKeeperClient <*>] Connected.'),
  t('Initiating client connection, connectString=<*> sessionTimeout=<*> watcher=<*>'),
  t('jute.maxbuffer value is <*> Bytes'),
  t('zookeeper.request.timeout value is <*>. feature enabled=<*>'),
  t('Opening socket connection to server <*>.'),
  t('Socket connection established, initiating session, client: <*>, server: <*>'),
  t('Creating new log file: <*>'),
  t('Session establishment complete on server <*>, session id = <*>, negotiated timeout = <*>'),
  t('Cluster ID = <*>'),
  t('No meta.properties file under dir <*>'),
  t('KafkaConfig values:'),
  // ShutdownableThread: "[thread name]: Starting", the name a value.
  t('[<*>]: Starting'),
  t('Log directory <*> not found, creating it.'),
  t('Loading logs from log dirs <*>'),
  t('No logs found to be loaded in <*>'),
  t('Loaded <*> logs in <*>ms'),
  t('Starting log cleanup with a period of <*> ms.'),
  t('Starting log flusher with a default period of <*> ms.'),
  t('Feature ZK node at path: <*> does not exist'),
  t('Feature ZK node created at path: <*>'),
  t('Updated connection-accept-rate max connection creation rate to <*>'),
  t('[SocketServer listenerType=<*>, nodeId=<*>] Created data-plane acceptor and processors for endpoint : <*>'),
  t('[SocketServer listenerType=<*>, nodeId=<*>] Enabling request processing.'),
  t('Creating <*> (is it secure? <*>)'),
  t('Stat of the created znode at <*> is: <*>'),
  t('Registered broker <*> at path <*> with addresses: <*>, czxid (broker epoch): <*>'),
  t('Successfully created <*> with initial epoch <*>'),
  t('[GroupCoordinator <*>]: Starting up.'),
  t('[GroupCoordinator <*>]: Startup complete.'),
  t('[TransactionCoordinator id=<*>] Starting up.'),
  t('[TransactionCoordinator id=<*>] Startup complete.'),
  t('[MetadataCache brokerId=<*>] Updated cache from existing <*> to latest <*>.'),
  t('Awaiting socket connections on <*>.'),
  t('Kafka version: <*>'),
  t('Kafka commitId: <*>'),
  t('Kafka startTimeMs: <*>'),
  t('[KafkaServer id=<*>] started'),
  t('[<*>]: Recorded new controller, from now on will use node <*> (id: <*> rack: <*>)'),
  // The topic's configuration and assignment, and the properties of a new log, are values of any length.
  t('Creating topic <*> with configuration <*> and initial partition assignment <*>'),
  t('[ReplicaFetcherManager on broker <*>] Removed fetcher for partitions <*>'),
  t('[LogLoader partition=<*>, dir=<*>] Loading producer state till offset <*> with message format version <*>'),
  t('Created log for partition <*> in <*> with properties <*>'),
  t('[Partition <*> broker=<*>] No checkpointed highwatermark is found for partition <*>'),
  t('[Partition <*> broker=<*>] Log loaded for partition <*> with initial high watermark <*>'),
  t('[GroupCoordinator <*>]: Elected as the group coordinator for partition <*> in epoch <*>'),
  t('[GroupMetadataManager brokerId=<*>] Scheduling loading of offsets and group metadata from <*> for epoch <*>'),
  t('[GroupMetadataManager brokerId=<*>] Finished loading offsets and group metadata from <*> in <*> milliseconds for epoch <*>, of which <*> milliseconds was spent in the scheduler.'),
  t('[GroupCoordinator <*>]: Dynamic member with unknown member id joins group <*> in <*> state. Created a new member id <*> and request the member to rejoin with this id.'),
  t('[GroupCoordinator <*>]: Preparing to rebalance group <*> in state <*> with old generation <*> (<*>) (reason: <*>)'),
  t('[GroupCoordinator <*>]: Stabilized group <*> generation <*> (<*>) with <*> members'),
  t('[GroupCoordinator <*>]: Assignment received from leader <*> for group <*> for generation <*>. The group has <*> members, <*> of which are static.'),
  t('[BrokerToControllerChannelManager id=<*> name=<*>] Node <*> disconnected.'),
];

/** The rules of every labelled file, by its path under the real-log dev set. */
export const REALLOG_LABELS: Readonly<Record<LabelledFile, readonly LabelRule[]>> = {
  'syslog/log.plemma_auth.log': AUTH_LOG,
  'java/yuntai-spring-cloud_spring.log': SPRING_LOG,
  'python/ops-api_ops.log': OPS_API_LOG,
  'misc/BetterChatRoom_mongod.log': MONGOD_LOG,
  'syslog/syslogs_messages': CHROMEOS_MESSAGES,
  'k8s/Kind-Fluentd-With-Local-Elastic-Container_kube-controller-manager-kind-control-plane_kube-system_kube-controller-manager-0e570b699f9e49dbd113a698f4d0fdbab742414bbee3d77269b08c35aef8370b.log': CONTROLLER_MANAGER_LOG,
  'web/mysite_error.log': NGINX_ERROR_LOG,
  'cloud/django-HackerNews_heroku.log': HEROKU_LOG,
  'web/WebKnowIT_u_ex151020.log': IIS_LOG,
  'misc/haproxy_log_analysis_script_haproxy.log': HAPROXY_LOG,
  'misc/opentelemetry-demo_otel-collector.log': OTEL_COLLECTOR_LOG,
  'syslog/tlvlogs_auth.log': DESKTOP_AUTH_LOG,
  'misc/IT340_rabbit@asim-VirtualBox.log': RABBITMQ_LOG,
  'java/kafka_server.log': KAFKA_LOG,
  ...REALLOG_LABELS_D,
  ...REALLOG_LABELS_E,
};

/** What labelling one file's messages gives: each message's template (undefined: no rule matched) and how many messages each rule took. */
export interface Labelling {
  truths: (string | undefined)[];
  unlabelled: number[];
  ruleHits: number[];
}

/** Labels messages with the first rule that matches each. */
export function labelMessages(rules: readonly LabelRule[], messages: readonly string[]): Labelling {
  const ruleHits = rules.map(() => 0);
  const unlabelled: number[] = [];
  const truths = messages.map((m, i) => {
    const k = rules.findIndex((r) => r.re.test(m));
    if (k < 0) {
      unlabelled.push(i);
      return undefined;
    }
    ruleHits[k]++;
    return rules[k].template;
  });
  return { truths, unlabelled, ruleHits };
}
