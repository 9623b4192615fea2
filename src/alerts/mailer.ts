import nodemailer from 'nodemailer';
import { SmtpConfigSchema, type SmtpConfig } from '../config/index.js';
import { ConfigError } from '../errors.js';

/** The environment variable that holds the SMTP password: the only place logscope reads it from. */
export const SMTP_PASSWORD_ENV = 'LOGSCOPE_SMTP_PASSWORD';

/** Environment variables that override `smtp.*` keys of the config (or give them all, with no `smtp` in the config). */
const SMTP_ENV: Record<string, { key: string; type: 'string' | 'number' | 'boolean' }> = {
  LOGSCOPE_SMTP_HOST: { key: 'host', type: 'string' },
  LOGSCOPE_SMTP_PORT: { key: 'port', type: 'number' },
  LOGSCOPE_SMTP_SECURITY: { key: 'security', type: 'string' },
  LOGSCOPE_SMTP_ALLOW_SELF_SIGNED: { key: 'allowSelfSigned', type: 'boolean' },
  LOGSCOPE_SMTP_USER: { key: 'user', type: 'string' },
  LOGSCOPE_SMTP_FROM: { key: 'from', type: 'string' },
  LOGSCOPE_SMTP_TIMEOUT_SECONDS: { key: 'timeoutSeconds', type: 'number' },
  LOGSCOPE_SMTP_RETRY_FIRST_SECONDS: { key: 'retry.firstSeconds', type: 'number' },
  LOGSCOPE_SMTP_RETRY_MAX_SECONDS: { key: 'retry.maxSeconds', type: 'number' },
};

function envValue(text: string, type: 'string' | 'number' | 'boolean'): unknown {
  if (type === 'number') return /^\s*$/.test(text) ? text : Number(text);
  if (type === 'boolean') return /^(true|1|yes)$/i.test(text) ? true : /^(false|0|no)$/i.test(text) ? false : text;
  return text;
}

/** Where and how to send: the config's `smtp` with the env overrides and the password. */
export interface SmtpSettings {
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  allowSelfSigned: boolean;
  user?: string;
  /** From $LOGSCOPE_SMTP_PASSWORD; never from the config, never written anywhere. */
  password?: string;
  from: string;
  timeoutMs: number;
  retry: { firstSeconds: number; maxSeconds: number };
}

/**
 * The SMTP settings: config `smtp`, each key overridden by its env var (`LOGSCOPE_SMTP_HOST`,
 * `_PORT`, `_SECURITY`, `_ALLOW_SELF_SIGNED`, `_USER`, `_FROM`, `_TIMEOUT_SECONDS`,
 * `_RETRY_FIRST_SECONDS`, `_RETRY_MAX_SECONDS`), the password from
 * `LOGSCOPE_SMTP_PASSWORD`. Undefined when neither config nor env names a host.
 * A bad value is a ConfigError naming the key or the variable.
 */
export function resolveSmtpSettings(config: SmtpConfig | undefined, env: NodeJS.ProcessEnv = process.env): SmtpSettings | undefined {
  const merged: Record<string, unknown> = { ...(config ?? {}), retry: { ...(config?.retry ?? {}) } };
  const fromEnv = new Map<string, string>();
  for (const [name, { key, type }] of Object.entries(SMTP_ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const [head, sub] = key.split('.');
    if (sub === undefined) merged[head] = envValue(value, type);
    else (merged[head] as Record<string, unknown>)[sub] = envValue(value, type);
    fromEnv.set(key, name);
  }
  if (config === undefined && fromEnv.size === 0) return undefined;
  if (Object.keys(merged.retry as object).length === 0) delete merged.retry;
  const parsed = SmtpConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues
        .map((issue) => {
          const key = issue.path.join('.');
          const hint = key === 'host' || key === 'from' ? ` (set smtp.${key} in the config or ${key === 'host' ? 'LOGSCOPE_SMTP_HOST' : 'LOGSCOPE_SMTP_FROM'})` : '';
          return `${fromEnv.get(key) ?? `smtp.${key}`}: ${issue.message}${hint}`;
        })
        .join('\n'),
    );
  }
  const s = parsed.data;
  const password = env[SMTP_PASSWORD_ENV];
  if (s.user !== undefined && (password === undefined || password === '')) {
    throw new ConfigError(`smtp.user is ${JSON.stringify(s.user)} but ${SMTP_PASSWORD_ENV} is not set: export the password in ${SMTP_PASSWORD_ENV} (it is never read from the config)`);
  }
  return {
    host: s.host,
    port: s.port ?? (s.security === 'tls' ? 465 : s.security === 'starttls' ? 587 : 25),
    security: s.security,
    allowSelfSigned: s.allowSelfSigned,
    ...(s.user !== undefined ? { user: s.user, password } : {}),
    from: s.from,
    timeoutMs: s.timeoutSeconds * 1000,
    retry: s.retry,
  };
}

/** An inline or attached file of an email. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  /** Content-ID, without brackets: the HTML shows it as `<img src="cid:...">`. */
  cid?: string;
}

/** A rendered email ready to send. */
export interface OutgoingEmail {
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
  attachments: readonly EmailAttachment[];
  /** `<...@domain>`, stable per group of firings. */
  messageId: string;
  /** Extra headers (`X-Logscope-Rule`, ...), for mail filters. */
  headers?: Readonly<Record<string, string>>;
}

/** What the server said: the recipients it accepted and refused. */
export interface SendResult {
  accepted: string[];
  rejected: string[];
  response: string;
}

/** Sends emails over SMTP, one connection per call. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<SendResult>;
  /** The From address. */
  readonly from: string;
}

/**
 * A mailer over nodemailer's SMTP transport. Errors it throws have the password (and its
 * base64 forms, as AUTH sends it) removed from their message.
 */
export function createMailer(settings: SmtpSettings): Mailer {
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    tls: { rejectUnauthorized: !settings.allowSelfSigned },
    ...(settings.user !== undefined ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    dnsTimeout: settings.timeoutMs,
    logger: false,
    debug: false,
  });
  const redact = redactor(settings);
  return {
    from: settings.from,
    async send(email) {
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: [...email.to],
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          // RFC 3834: no vacation auto-replies to alerts.
          headers: { ...(email.headers ?? {}), 'Auto-Submitted': 'auto-generated' },
          attachments: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, ...(a.cid !== undefined ? { cid: a.cid } : {}) })),
        });
        return { accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: redact(String(info.response ?? '')) };
      } catch (err) {
        throw new Error(`SMTP ${settings.host}:${settings.port}: ${redact((err as Error).message)}`);
      } finally {
        transport.close();
      }
    },
  };
}

/** A function that removes the password, in clear and in the base64 forms of AUTH PLAIN/LOGIN, from a text. */
function redactor(settings: SmtpSettings): (text: string) => string {
  const secrets: string[] = [];
  if (settings.password !== undefined && settings.password !== '') {
    const p = settings.password;
    secrets.push(p, Buffer.from(p).toString('base64'), Buffer.from(`\u0000${settings.user ?? ''}\u0000${p}`).toString('base64'));
  }
  return (text) => secrets.reduce((t, secret) => t.split(secret).join('[password]'), text);
}
