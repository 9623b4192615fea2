import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createMailer, resolveSmtpSettings } from '../../src/alerts/mailer.js';
import { renderEmail } from '../../src/alerts/email.js';
import { ConfigError } from '../../src/errors.js';
import { anomalyFiring } from './firings.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

const servers: TestSmtpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('smtp config', () => {
  it('fills the defaults: STARTTLS on 587, 30 s timeouts, retries from 30 s doubling to an hour', () => {
    const config = loadConfig({ smtp: { host: 'mail.example.com', from: 'alerts@example.com' } });
    expect(config.smtp).toEqual({ host: 'mail.example.com', from: 'alerts@example.com', security: 'starttls', allowSelfSigned: false, timeoutSeconds: 30, retry: { firstSeconds: 30, maxSeconds: 3600 } });
    expect(resolveSmtpSettings(config.smtp, {})?.port).toBe(587);
    expect(resolveSmtpSettings({ ...config.smtp!, security: 'tls' }, {})?.port).toBe(465);
    expect(loadConfig({}).smtp).toBeUndefined();
    expect(resolveSmtpSettings(undefined, {})).toBeUndefined();
  });

  it('refuses a password in the config, naming the environment variable to use', () => {
    expect(() => loadConfig({ smtp: { host: 'h', from: 'a@b.c', user: 'u', password: 'secret' } })).toThrow(/smtp\.password: the SMTP password is read only from the environment variable LOGSCOPE_SMTP_PASSWORD/);
  });

  it('names the key of a bad value', () => {
    expect(() => loadConfig({ smtp: { host: 'h', from: 'a@b.c', security: 'ssl' } })).toThrow(/smtp\.security/);
    expect(() => loadConfig({ smtp: { host: 'h', from: 'a@b.c', retry: { firstSeconds: 60, maxSeconds: 10 } } })).toThrow(/smtp\.retry\.maxSeconds: maxSeconds must be at least firstSeconds/);
  });

  it('takes each key from its environment variable over the config, and the password only from LOGSCOPE_SMTP_PASSWORD', () => {
    const env = { LOGSCOPE_SMTP_HOST: 'relay.internal', LOGSCOPE_SMTP_PORT: '2525', LOGSCOPE_SMTP_SECURITY: 'none', LOGSCOPE_SMTP_USER: 'bot', LOGSCOPE_SMTP_FROM: 'bot@example.com', LOGSCOPE_SMTP_PASSWORD: 'pw' };
    expect(resolveSmtpSettings({ host: 'mail.example.com', from: 'alerts@example.com', security: 'starttls', allowSelfSigned: false, timeoutSeconds: 30, retry: { firstSeconds: 30, maxSeconds: 3600 } }, env)).toMatchObject({
      host: 'relay.internal', port: 2525, security: 'none', user: 'bot', password: 'pw', from: 'bot@example.com',
    });
    expect(resolveSmtpSettings(undefined, env)?.host).toBe('relay.internal');
    expect(resolveSmtpSettings(undefined, { ...env, LOGSCOPE_SMTP_ALLOW_SELF_SIGNED: 'true', LOGSCOPE_SMTP_TIMEOUT_SECONDS: '5', LOGSCOPE_SMTP_RETRY_FIRST_SECONDS: '10', LOGSCOPE_SMTP_RETRY_MAX_SECONDS: '600' })).toMatchObject({
      allowSelfSigned: true, timeoutMs: 5000, retry: { firstSeconds: 10, maxSeconds: 600 },
    });
    expect(() => resolveSmtpSettings(undefined, { ...env, LOGSCOPE_SMTP_RETRY_MAX_SECONDS: 'soon' })).toThrow(/^LOGSCOPE_SMTP_RETRY_MAX_SECONDS: /);
    expect(() => resolveSmtpSettings(undefined, { ...env, LOGSCOPE_SMTP_ALLOW_SELF_SIGNED: 'maybe' })).toThrow(/^LOGSCOPE_SMTP_ALLOW_SELF_SIGNED: /);
    expect(() => resolveSmtpSettings(undefined, { LOGSCOPE_SMTP_HOST: 'h', LOGSCOPE_SMTP_FROM: 'a@b.c', LOGSCOPE_SMTP_PORT: 'x' })).toThrow(/LOGSCOPE_SMTP_PORT/);
    expect(() => resolveSmtpSettings(undefined, { LOGSCOPE_SMTP_HOST: 'h' })).toThrow(/smtp\.from.*LOGSCOPE_SMTP_FROM/);
    expect(() => resolveSmtpSettings(undefined, { LOGSCOPE_SMTP_HOST: 'h', LOGSCOPE_SMTP_FROM: 'a@b.c', LOGSCOPE_SMTP_USER: 'u' })).toThrow(ConfigError);
    expect(() => resolveSmtpSettings(undefined, { LOGSCOPE_SMTP_HOST: 'h', LOGSCOPE_SMTP_FROM: 'a@b.c', LOGSCOPE_SMTP_USER: 'u' })).toThrow(/LOGSCOPE_SMTP_PASSWORD is not set/);
  });
});

describe('smtp security against a real server', () => {
  const email = () => ({ ...renderEmail([anomalyFiring()]), to: ['oncall@example.com'] });
  const base = { host: '127.0.0.1', from: 'alerts@example.com', timeoutSeconds: 5, retry: { firstSeconds: 30, maxSeconds: 3600 } };

  it('sends over implicit TLS, and refuses an unverifiable certificate unless allowSelfSigned', async () => {
    const smtp = await startSmtpServer({ secure: true });
    servers.push(smtp);
    await expect(createMailer(resolveSmtpSettings({ ...base, port: smtp.port, security: 'tls', allowSelfSigned: false }, {})!).send(email())).rejects.toThrow(/certificate/i);
    await createMailer(resolveSmtpSettings({ ...base, port: smtp.port, security: 'tls', allowSelfSigned: true }, {})!).send(email());
    expect(smtp.received.map((r) => r.secure)).toEqual([true]);
  });

  it('upgrades with STARTTLS, and with security starttls refuses a server that does not offer it', async () => {
    const tls = await startSmtpServer({ starttls: true });
    const plain = await startSmtpServer();
    servers.push(tls, plain);
    await createMailer(resolveSmtpSettings({ ...base, port: tls.port, security: 'starttls', allowSelfSigned: true }, {})!).send(email());
    expect(tls.received.map((r) => r.secure)).toEqual([true]);
    await expect(createMailer(resolveSmtpSettings({ ...base, port: plain.port, security: 'starttls', allowSelfSigned: true }, {})!).send(email())).rejects.toThrow(/STARTTLS/i);
    expect(plain.received).toHaveLength(0);
  });
});
