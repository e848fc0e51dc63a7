/**
 * The built single-page app from <repo>/dist/console/: GET /console and /console/<path> (not
 * under /console/api/) answer the file when it exists, else index.html (client-side routes).
 * A path that tries to leave the directory (.., encoded separators, NUL) is 404, and the file
 * finally served must resolve (symlinks included) inside it. Hashed assets are cached for good,
 * index.html never. Without a build the answer is 503 saying how to make one.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRequest, HttpResponse } from '../../wire/types.ts';
import { CONSOLE_BASE } from '../api-contract.ts';
import { SECURITY_HEADERS } from './responses.ts';

/** <repo>/dist/console, from this module's place in <repo>/src/console/server/. */
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../../dist/console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Vite's content-hashed output: assets/<name>-<hash>.<ext>. */
const HASHED_ASSET = /^assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

function plain(status: number, text: string, extra: Record<string, string> = {}): HttpResponse {
  return { status, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra }, body: text };
}

/** The path below /console as safe relative segments, or undefined for anything suspicious. */
export function relativeSegments(path: string): string[] | undefined {
  const rest = path === CONSOLE_BASE ? '' : path.slice(CONSOLE_BASE.length + 1);
  const segments: string[] = [];
  for (const raw of rest.split('/')) {
    if (raw === '') continue;
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (s === '.' || s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0') || s.startsWith('.')) return undefined;
    segments.push(s);
  }
  return segments;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export class StaticFiles {
  constructor(private readonly distDir: string = DEFAULT_DIST_DIR) {}

  async serve(req: HttpRequest): Promise<HttpResponse> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    const segments = relativeSegments(req.path);
    if (!segments) return plain(404, 'Not Found');
    let root: string;
    try {
      root = await realpath(this.distDir);
    } catch {
      return this.notBuilt();
    }
    const index = join(root, 'index.html');
    if (!(await isFile(index))) return this.notBuilt();

    const relative = segments.join('/');
    if (relative !== '') {
      const candidate = join(root, ...segments);
      if (await isFile(candidate)) {
        const real = await realpath(candidate);
        if (!real.startsWith(root + sep)) return plain(404, 'Not Found');
        const cache = HASHED_ASSET.test(relative) ? 'public, max-age=31536000, immutable' : real === index ? 'no-store' : 'no-cache';
        return this.file(real, cache);
      }
      // A missing build artefact is a 404, not the app.
      if (segments[0] === 'assets') return plain(404, 'Not Found');
    }
    return this.file(index, 'no-store');
  }

  private async file(path: string, cacheControl: string): Promise<HttpResponse> {
    const body = await readFile(path);
    return {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
        'cache-control': cacheControl,
      },
      body,
    };
  }

  private notBuilt(): HttpResponse {
    return plain(503, 'HealthTrail: the console is not built: run npm run build\n');
  }
}
