/** The login form of a server started with a token. Its CSS is inline: /static needs the token too. */
import { raw } from 'hono/html';
import { staticAssets } from '../src/serve/assets.js';

export function LoginPage(props: { next: string; error?: string }) {
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Log in · logscope</title>
        <style>{raw(staticAssets().get('style.css')!.body.toString('utf8'))}</style>
      </head>
      <body>
        <div class="login">
          <div class="panel">
            <h1>logscope</h1>
            <p class="muted small">This dashboard needs the token it was started with (<code>--token</code> or <code>LOGSCOPE_TOKEN</code>).</p>
            <form method="post" action="/login">
              <input type="hidden" name="next" value={props.next} />
              <input type="password" name="token" placeholder="Token" autofocus autocomplete="current-password" aria-label="token" />
              {props.error !== undefined ? <div class="field-error" role="alert">{props.error}</div> : null}
              <button type="submit">Log in</button>
            </form>
          </div>
        </div>
      </body>
    </html>
    </>
  );
}
