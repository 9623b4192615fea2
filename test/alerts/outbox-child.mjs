// A process that uses the outbox and gets killed (kill -9) by test/alerts/crash.test.ts.
// Usage: node outbox-child.mjs enqueue DATA FIRING_JSON
//          stores the firing, prints "enqueued", then waits to be killed before sending;
//        node outbox-child.mjs send DATA FIRING_JSON SMTP_SETTINGS_JSON
//          stores the firing, prints "enqueued", then sends what is due (the test kills it mid-send).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Outbox } = await import(path.join(root, 'dist/src/alerts/outbox.js'));
const { createMailer } = await import(path.join(root, 'dist/src/alerts/mailer.js'));
const { createEmailSender } = await import(path.join(root, 'dist/src/alerts/mail-delivery.js'));

const [mode, data, firingJson, settingsJson] = process.argv.slice(2);
const outbox = await Outbox.open(data);
await outbox.enqueue([JSON.parse(firingJson)]);
process.stdout.write('enqueued\n');
if (mode === 'enqueue') {
  setInterval(() => undefined, 60_000);
} else {
  const reports = await outbox.deliverDue(createEmailSender(createMailer(JSON.parse(settingsJson))));
  process.stdout.write(`${JSON.stringify(reports)}\n`);
}
