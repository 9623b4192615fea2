import { createHash } from 'node:crypto';

/**
 * The Message-ID of the email that carries these firings: a hash of their keys (in any
 * order), so the same firings always make the same id, and a resend after an unknown outcome
 * (a crash after the server took the message) is recognisable as the same message.
 *
 * @example messageIdFor(['errors|service=api|2026-12-03T10:05:00.000Z'], 'example.com') // '<alert.3f1c…@example.com>'
 */
export function messageIdFor(keys: readonly string[], domain: string): string {
  const hash = createHash('sha256').update([...new Set(keys)].sort().join('\n')).digest('hex').slice(0, 32);
  return `<alert.${hash}@${domain}>`;
}

/** The domain of an address (`logscope <alerts@example.com>` → `example.com`), for Message-IDs; `logscope.invalid` without one. */
export function domainOf(address: string | undefined): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address ?? '');
  return m === null ? 'logscope.invalid' : m[1].toLowerCase();
}
