/**
 * Hand-made ground truth for template mining on real logs nobody here wrote: eight files of the
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
 * may be developed, half B is held out to check them.
 */

/** One labelling rule: a message that `re` matches (first rule wins) belongs to `template`. */
export interface LabelRule {
  re: RegExp;
  template: string;
}

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

export type LabelledFile = (typeof REALLOG_HALF_A)[number] | (typeof REALLOG_HALF_B)[number];

/** The regex source of a template: its text literally, each `<*>` any run of characters (maybe none). */
function templateSource(template: string): string {
  return template
    .split('<*>')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*?');
}

/** A rule whose regex is the template itself, anchored at both ends. */
function t(template: string): LabelRule {
  return { re: new RegExp(`^${templateSource(template)}$`, 's'), template };
}

/**
 * Rules for messages that share a prefix (a logger name, a component): `prefix.re` is regex
 * source for the prefix, `prefix.template` its template text; each body is template text.
 */
function under(prefix: { re: string; template: string }, bodies: readonly string[]): LabelRule[] {
  return bodies.map((body) => ({ re: new RegExp(`^${prefix.re}${templateSource(body)}$`, 's'), template: prefix.template + body }));
}

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
