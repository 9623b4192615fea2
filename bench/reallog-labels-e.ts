/**
 * Half E of the hand-made template labels (conventions in bench/reallog-labels.ts): four files
 * held out to check mining rules developed on half D (and A), fixed before any was labelled and
 * labelled without running the miner on them. Like half C, never used to develop or tune rules.
 */
import { t, templateSource, type LabelRule } from './label-rule.js';

/** Files held out to check rules developed on half D. */
export const REALLOG_HALF_E = ['syslog/Pcola-logs_messages', 'python/ServerLog_cloud-init.log', 'misc/EmonLogs_redis-server.log', 'java/kaparthiwar-logs_catalina.out'] as const;

/** The replacement character: the Czech accents of this file are not UTF-8 and reach the miner as U+FFFD. */
const X = '\uFFFD';

/**
 * AIX syslog of a Czech tax-office application (the tag is part of the message): Trusted
 * Execution warnings, a program's argv dumped one "prm N: |arg|" line each, socket errors, and
 * pipe-separated audit records. The same library function logs under the source-file ident
 * ("../src_itx/CSRC/aspa_0873.c[line]") or the program's ("aspa_0875[pid]"): the ident is a value,
 * the statement one template. An audit record's result (uspech, neuspech) names the event.
 */
const AIX_APP_MESSAGES: LabelRule[] = [
  t('unix: Trusted Execution: pid=<*>, euid=<*>, ruid=<*>: File not in TSD: <*>'),
  t('unix: Trusted Execution: pid=<*>, euid=<*>, ruid=<*>: Allowing to execute non trusted file: <*>'),
  t('syslog: prm <*>: |<*>|'),
  t('syslog: inicializace_zarep: start'),
  t(`syslog: inicializace_zarep: prob${X}hla inicializace`),
  t('<*>: httpPostOrGet: start'),
  t('<*>: httpPostOrGet: Opening socket for <*>'),
  t(`err|error <*>: openSocket: selhalo col${X}n${X} connect, po${X}${X}ta${X} <*>, port <*>, Connection refused`),
  t(`err|error <*>: httpPostOrGet: Chyba <*> p${X}i otv${X}r${X}n${X} socketu`),
  t('<*>: httpPostOrGet: konec, rc = <*>'),
  t(`err|error <*>: vratOtiskPdf: Chyba p${X}i HTTP komunikaci se servletem`),
  t(`err|error <*>: komunikuj_isds_c: Chyba p${X}i HTTP komunikaci p${X}ed nebo b${X}hem odesl${X}n${X} requestu`),
  t('err|error syslog: <*>: Chyba funkce vratOtiskPdf - <*>'),
  t('apachectl.ksh: WWW server byl zastaven '),
  t('syslog: otevri_databazi: soubor <*>, jak <*>'),
  t(`syslog: otevri_databazi: databaze <*> otev${X}ena`),
  t('syslog: zavri_databazi: gdbm_close'),
  t(`: <*>|admPrava|read|<*>|<*>|<*>|<*>|<*>|setauth.c: zji${X}t${X}n${X} nastaven${X} pr${X}va (<*>)|uspech`),
  t(`: <*>|admPrava|read|<*>|<*>|<*>|<*>|<*>|setauth.c: zji${X}t${X}n${X} nastaven${X} pr${X}va (<*>)|neuspech`),
  t(`: <*>|admPrava|read|<*>|<*>|<*>|<*>|<*>|<*> nem${X} pr${X}vo <*>|neuspech`),
  t(`: <*>|admPrava|read|<*>|<*>|<*>|<*>|<*>|set_auth_ufo.c: u${X}ivatel (<*>) - v${X}pis nastaven${X} pr${X}va (<*>) - chyba funkce zjistiPrava (<*>)|neznamo`),
  t('syslog: reset_pin_provedeni ZAVOLANO'),
  t('syslog: reset_pin_provedeni: PROVEDENO OK'),
  t(`syslog: <*>: START programu pro zapomenut${X} PIN`),
  t('syslog: delka_raw: |<*>|, je_to_verze: <*>'),
  t(`syslog:  aktu${X}ln${X} <*>, statick${X} <*>`),
  t(`syslog: <*>: sekvence pro termin${X}l: |<*>|`),
  t(`syslog: <*>: zpr${X}vy: |<*>|`),
  t(`syslog: zjisti_pravo_ufo: za${X}${X}tek`),
  t(`syslog: zjisti_pravo_ufo: po${X}et p${X}e${X}ten${X}ch UFO je li_pocetPrectenychUfo = <*>`),
  t(`syslog: zjisti_pravo_ufo: n${X}vrat ze set_auth_ufo.exe li_vysl = <*>, li_rc = <*>`),
  t('syslog: zjisti_pravo_ufo: UFOs: fi_ufo1 = <*>, fi_ufo2 = <*>, fi_ufo3 = <*>, fi_ufo4 = <*>, fi_ufo5 = <*>'),
  t('syslog: zjisti_pravo_ufo: konec funkce, fi_navrat = <*>, fi_pravo = <*>'),
];

/** Redis 5 on Windows: a dozen start-ups and shutdowns, every line a constant statement with a few values. */
const REDIS_LOG: LabelRule[] = [
  t('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'),
  t('Redis version=<*>, bits=<*>, commit=<*>, modified=<*>, pid=<*>, just started'),
  t('Configuration loaded'),
  t("Warning: <*> bit instance detected but no memory limit set. Setting <*> GB maxmemory limit with 'noeviction' policy now."),
  t("WARNING overcommit_memory is set to <*>! Background save may fail under low memory condition. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect."),
  t('Server initialized'),
  t('DB loaded from disk: <*> seconds'),
  t('Ready to accept connections'),
  t('Received SIGTERM scheduling shutdown...'),
  t('User requested shutdown...'),
  t('Saving the final RDB snapshot before exiting.'),
  t('DB saved on disk'),
  t('Removing the pid file.'),
  t('Redis is now ready to exit, bye bye...'),
];

/**
 * cloud-init 0.7.5 on a DigitalOcean droplet: "module.py[LEVEL]: text", the logging module's
 * file and level part of the statement. The "modules:config" stage logs through syslog too, and
 * those lines carry "host [CLOUDINIT] " in front: the same statements, so the same templates.
 * A caller's literal text stays (util.log_time's "Resizing" and "resize_devices" are two
 * templates), and so does each cc_*.py's own "Skipping module named" line.
 */
function cloudInit(bodies: readonly string[]): LabelRule[] {
  return bodies.map((body) => ({ re: new RegExp(`^(?:\\S+ \\[CLOUDINIT\\] )?${templateSource(body)}$`, 's'), template: body }));
}
const CLOUD_INIT_LOG: LabelRule[] = cloudInit([
  "util.py[DEBUG]: Cloud-init v. <*> running '<*>' at <*>. Up <*> seconds.",
  'util.py[DEBUG]: Writing to <*> - <*>: [<*>] <*> bytes',
  'util.py[DEBUG]: Changing the ownership of <*> to <*>',
  'util.py[DEBUG]: Attempting to load yaml from string of length <*> with allowed root types <*>',
  'util.py[DEBUG]: load_yaml given empty string, returning default',
  'util.py[DEBUG]: Reading from <*> (quiet=<*>)',
  'util.py[DEBUG]: Read <*> bytes from <*>',
  'util.py[DEBUG]: Attempting to remove <*>',
  'util.py[DEBUG]: Creating symbolic link from <*> => <*>',
  'util.py[DEBUG]: Running command <*> with allowed return codes <*> (shell=<*>, capture=<*>)',
  "util.py[DEBUG]: cloud-init mode '<*>' took <*> seconds (<*>)",
  'util.py[DEBUG]: Resizing took <*> seconds',
  'util.py[DEBUG]: resize_devices took <*> seconds',
  'importer.py[DEBUG]: Looking for modules <*> that have attributes <*>',
  'importer.py[DEBUG]: Found <*> with attributes <*> in <*>',
  'importer.py[DEBUG]: Failed at attempted import of <*> due to: <*>',
  'stages.py[DEBUG]: Using distro class <*>',
  'stages.py[DEBUG]: Added default handler for <*> from <*>',
  'stages.py[DEBUG]: vendor data will be consumed. disabled_handlers=<*>',
  'stages.py[INFO]: Loaded datasource <*> - <*>',
  'stages.py[WARNING]: Could not find module named <*>',
  "__init__.py[DEBUG]: Merging '<*>' into '<*>' using method '<*>' of '<*>'",
  "__init__.py[DEBUG]: Merging using located merger '<*>' since it had method '<*>'",
  '__init__.py[DEBUG]: Looking for for data source in: <*>, via packages <*> that matches dependencies <*>',
  '__init__.py[DEBUG]: Searching for data source in: <*>',
  '__init__.py[DEBUG]: Seeing if we can get any data from <*>',
  '__init__.py[DEBUG]: Calling handler <*> (<*>, <*>, <*>) with frequency <*>',
  '__init__.py[DEBUG]: Empty payload of type <*>',
  '__init__.py[DEBUG]: Non-persistently setting the system hostname to <*>',
  '__init__.py[DEBUG]: Attempting to update hostname to <*> in <*> files',
  '__init__.py[DEBUG]: <*> differs from <*>, assuming user maintained hostname.',
  '__init__.py[DEBUG]: {<*>}',
  "url_helper.py[DEBUG]: [<*>/<*>] open '<*>' with <*> configuration",
  'url_helper.py[DEBUG]: Read from <*> (<*>, <*>) after <*> attempts',
  'helpers.py[DEBUG]: Running <*> using lock (<*>)',
  'cloud_config.py[DEBUG]: Merging by applying <*>',
  'cloud-init[DEBUG]: Checking to see if files that we need already exist from a previous run that would allow us to stop early.',
  'cloud-init[DEBUG]: No local datasource found',
  'cloud-init[DEBUG]: init will now be targeting instance id: <*>',
  'cloud-init[DEBUG]: Ran <*> modules with <*> failures',
  "cc_bootcmd.py[DEBUG]: Skipping module named <*>, no 'bootcmd' key in configuration",
  "cc_ca_certs.py[DEBUG]: Skipping module named <*>, no 'ca-certs' key in configuration",
  "cc_rsyslog.py[DEBUG]: Skipping module named <*>, no 'rsyslog' key in configuration",
  "cc_write_files.py[DEBUG]: Skipping module named <*>, no/empty 'write_files' key in configuration",
  "cc_growpart.py[DEBUG]: No 'growpart' entry in cfg.  Using default: <*>",
  "cc_growpart.py[DEBUG]: '<*>' NOCHANGE: <*>",
  'cc_migrator.py[DEBUG]: Migrated <*> semaphore files to there canonicalized names',
  'cc_resizefs.py[DEBUG]: resize_info: dev=<*> mnt_point=<*> path=<*>',
  'cc_resizefs.py[DEBUG]: Resizing <*> (<*>) using <*>',
  'cc_resizefs.py[DEBUG]: Resized root filesystem (type=<*>, val=<*>)',
  "cc_seed_random.py[DEBUG]: command '<*>' not found for seed_command",
  'cc_set_hostname.py[DEBUG]: Setting the hostname to <*> (<*>)',
  'cc_update_hostname.py[DEBUG]: Updating hostname to <*> (<*>)',
]);

/**
 * Tomcat 9 catalina.out (JULI, the logger outside the message): version banner, start-ups,
 * shutdowns, and a broken tomcat-users.xml. Tomcat's `[{0}]` placeholders are values, so the
 * connector (http-nio, ajp-nio) is one; each banner key ("OS Name:", "CATALINA_BASE:") is its own
 * statement, and "Command line argument: -Dkey=value" is named by its key, as key=value lines are.
 */
const CATALINA_ARGS = [
  'java.util.logging.config.file',
  'java.util.logging.manager',
  'jdk.tls.ephemeralDHKeySize',
  'java.protocol.handler.pkgs',
  'org.apache.catalina.security.SecurityListener.UMASK',
  'ignore.endorsed.dirs',
  'catalina.base',
  'catalina.home',
  'java.io.tmpdir',
];
const CATALINA_LOG: LabelRule[] = [
  t('Server version name:   <*>'),
  t('Server built:          <*>'),
  t('Server version number: <*>'),
  t('OS Name:               <*>'),
  t('OS Version:            <*>'),
  t('Architecture:          <*>'),
  t('Java Home:             <*>'),
  t('JVM Version:           <*>'),
  t('JVM Vendor:            <*>'),
  t('CATALINA_BASE:         <*>'),
  t('CATALINA_HOME:         <*>'),
  ...CATALINA_ARGS.map((key) => t(`Command line argument: -D${key}=<*>`)),
  t('The APR based Apache Tomcat Native library which allows optimal performance in production environments was not found on the java.library.path: [<*>]'),
  t('Initializing ProtocolHandler [<*>]'),
  t('Starting ProtocolHandler [<*>]'),
  t('Pausing ProtocolHandler [<*>]'),
  t('Stopping ProtocolHandler [<*>]'),
  t('Destroying ProtocolHandler [<*>]'),
  t('Using a shared selector for servlet write/read'),
  t('Initialization processed in <*> ms'),
  t('Starting service [<*>]'),
  t('Stopping service [<*>]'),
  t('Starting Servlet Engine: <*>'),
  t('Deploying web application directory [<*>]'),
  t('Deployment of web application directory [<*>] has finished in [<*>] ms'),
  t('Undeploying context [<*>]'),
  t('Server startup in <*> ms'),
  t('Reloading memory user database [<*>] from updated source [<*>]'),
  t('Error reloading memory user database [<*>] from updated source [<*>]'),
  t('Parse Fatal Error at line <*> column <*>: <*>'),
  t('Failed to initialize connector [<*>]'),
  t('Unexpected exception resolving reference'),
  t('Exception processing Global JNDI Resources'),
  t('Exception looking up UserDatabase under key [<*>]'),
  t('Failed to start [<*>] realm'),
  t('StandardServer.await: create[<*>]: '),
  t('A valid shutdown command was received via the shutdown port. Stopping the Server instance.'),
  t('Error parsing HTTP request header'),
  t('An attempt was made to authenticate the locked user [<*>]'),
];

/** The rules of half E's files, by path under the real-log dev set. */
export const REALLOG_LABELS_E: Readonly<Record<(typeof REALLOG_HALF_E)[number], readonly LabelRule[]>> = {
  'syslog/Pcola-logs_messages': AIX_APP_MESSAGES,
  'python/ServerLog_cloud-init.log': CLOUD_INIT_LOG,
  'misc/EmonLogs_redis-server.log': REDIS_LOG,
  'java/kaparthiwar-logs_catalina.out': CATALINA_LOG,
};
