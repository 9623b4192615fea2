import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { findSqlDir } from '../query/index.js';

/** The package's root: where `sql/`, `views/` and `package.json` are, from `src/` or `dist/src/`. */
export function packageRoot(): string {
  return path.dirname(findSqlDir());
}

/** A static file the pages load: its bytes and content type. Read once. */
export interface Asset {
  body: Buffer;
  type: string;
}

const require = createRequire(import.meta.url);
let assets: Map<string, Asset> | undefined;

/**
 * The files under `/static/`: the stylesheet (`views/static/style.css`), the small page
 * script (`views/static/app.js`) and htmx from the installed `htmx.org` package, so the
 * dashboard works offline (no CDN).
 */
export function staticAssets(): Map<string, Asset> {
  if (assets !== undefined) return assets;
  const dir = path.join(packageRoot(), 'views', 'static');
  assets = new Map<string, Asset>([
    ['style.css', { body: fs.readFileSync(path.join(dir, 'style.css')), type: 'text/css; charset=utf-8' }],
    ['app.js', { body: fs.readFileSync(path.join(dir, 'app.js')), type: 'text/javascript; charset=utf-8' }],
    ['htmx.min.js', { body: fs.readFileSync(require.resolve('htmx.org/dist/htmx.min.js')), type: 'text/javascript; charset=utf-8' }],
  ]);
  return assets;
}
