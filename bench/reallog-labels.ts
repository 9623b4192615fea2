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
  t('Connection closed by <*> port <*> [preauth]'),
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

const CHROMEOS_MESSAGES: LabelRule[] = [];
const CONTROLLER_MANAGER_LOG: LabelRule[] = [];
const NGINX_ERROR_LOG: LabelRule[] = [];
const HEROKU_LOG: LabelRule[] = [];

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
