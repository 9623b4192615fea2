/**
 * The local zone's name in help texts: `describeZonelessTimes` writes LOCAL_ZONE_MARK, and the
 * help and the completion script put the name in when they are shown, because asking Intl for
 * it costs about 20 ms of CPU at every start-up otherwise (issue 17).
 */
export const LOCAL_ZONE_MARK = '\u001blocal-zone\u001b';

/** `text` with the local zone's name (`Europe/Paris`) for each LOCAL_ZONE_MARK. */
export function expandLocalZone(text: string): string {
  return text.includes(LOCAL_ZONE_MARK) ? text.split(LOCAL_ZONE_MARK).join(Intl.DateTimeFormat().resolvedOptions().timeZone) : text;
}
