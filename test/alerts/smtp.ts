import net from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** A message the test server received: the parsed mail, its raw text and the SMTP envelope. */
export interface Received {
  mail: ParsedMail;
  raw: string;
  envelopeTo: string[];
  user: string | undefined;
  /** The session ran over TLS (implicit or after STARTTLS). */
  secure: boolean;
}

/** Options of {@link startSmtpServer}. */
export interface TestSmtpOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Require AUTH; `accept` decides each login (default: user/pass must match `credentials`). */
  credentials?: { user: string; pass: string };
  /** Whether logins are accepted now (flip it to simulate a fixed password). Default true. */
  acceptLogin?: () => boolean;
  /** TLS from the first byte, with smtp-server's built-in self-signed certificate. */
  secure?: boolean;
  /** Offer STARTTLS (same certificate). Default false. */
  starttls?: boolean;
  /** Called for each connection; false holds it before the greeting (the client waits, then times out). */
  onConnect?: () => boolean;
  /** Called when a message's data has been read, before the server answers; the answer waits for the returned promise. */
  beforeReply?: (received: Received) => Promise<void> | void;
}

/** A real SMTP server (smtp-server) on localhost, plain text (no TLS), that parses what it receives with mailparser. */
export interface TestSmtpServer {
  port: number;
  received: Received[];
  /** Resolves with the connection count so far when the next client connects. */
  connections: number;
  close(): Promise<void>;
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: Received[] = [];
  const state = { connections: 0 };
  const auth = options.credentials;
  const config: SMTPServerOptions = {
    logger: false,
    secure: options.secure === true,
    disabledCommands: [...(options.starttls === true ? [] : ['STARTTLS']), ...(auth === undefined ? ['AUTH'] : [])],
    authOptional: auth === undefined,
    allowInsecureAuth: true,
    onConnect(_session, callback) {
      state.connections++;
      if (options.onConnect?.() === false) return;
      callback();
    },
    onAuth(login, _session, callback) {
      const ok = (options.acceptLogin?.() ?? true) && login.username === auth?.user && login.password === auth?.pass;
      if (!ok) return callback(new Error('Invalid username or password'));
      callback(null, { user: login.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw, { skipImageLinks: true })
          .then(async (mail) => {
            const r: Received = { mail, raw, envelopeTo: session.envelope.rcptTo.map((a) => a.address), user: session.user as string | undefined, secure: session.secure };
            received.push(r);
            await options.beforeReply?.(r);
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  };
  const server = new SMTPServer(config);
  const port = options.port ?? (await freePort());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port,
    received,
    get connections() {
      return state.connections;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
