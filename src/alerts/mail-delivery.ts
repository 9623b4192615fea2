import { renderEmail, type RenderEmailOptions } from './email.js';
import type { Mailer } from './mailer.js';
import type { GroupSender } from './outbox.js';

/**
 * The outbox's sender for email: renders a claimed group (with the Message-ID the outbox
 * stored for it) and sends it to the group's recipients. Recipients the server refused while
 * it accepted others are returned as a note for the history; all refused is an error (retried).
 *
 * @example
 * const outbox = await Outbox.open(dataDir, { messageIdDomain: domainOf(settings.from), retry: settings.retry });
 * await outbox.deliverDue(createEmailSender(createMailer(settings), { publicUrl }));
 */
export function createEmailSender(mailer: Mailer, options: Omit<RenderEmailOptions, 'messageId' | 'from'> = {}): GroupSender {
  return async (group) => {
    const email = renderEmail(group.firings, { ...options, from: mailer.from, messageId: group.messageId });
    const result = await mailer.send({ ...email, to: group.recipients, headers: { 'X-Logscope-Rule': group.rule, 'X-Logscope-Severity': email.severity } });
    return result.rejected.length > 0 ? `sent; refused by the server for ${result.rejected.join(', ')}` : undefined;
  };
}
