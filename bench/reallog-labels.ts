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
