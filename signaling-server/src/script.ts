/**
 * The script-tag bundle (dist/peer-call.js), served the way a CDN serves it.
 *
 * The file is read and compressed once per version of it (brotli quality 11,
 * gzip level 9, in memory; several servers in one process share the work) and
 * then answered from memory:
 *
 *   /peer-call.js              Cache-Control: public, max-age=300 (the snippet's stable URL)
 *   /peer-call.<hash>.js       Cache-Control: public, max-age=31536000, immutable
 *   /peer-call.js.map          the source map, like /peer-call.js
 *   /peer-call.<hash>.js.map   the source map of exactly that version, immutable
 *   /peer-call.json            where the immutable URL is, and its SRI integrity
 *   /parts/<name>.<hash>.js    the bundle's parts loaded on demand (dist/parts/; their names
 *                              carry a hash of their content): immutable, and their maps
 *   /parts/lang-<tag>.<hash>.json  the languages' catalogs, likewise (CORS: fetched)
 *
 * <hash> is the first 16 hex digits of the bundle's SHA-384. Every response is
 * negotiated on Accept-Encoding (br, then gzip, then identity; `Vary:
 * Accept-Encoding`), has a strong ETag per encoding (`"<hash>"`, `"<hash>-gzip"`,
 * `"<hash>-br"`, the same on every node serving the same build) and answers
 * If-None-Match with 304. The stable URL names the immutable one in `Link: <…>;
 * rel="canonical"`.
 *
 * A rebuild of the file while the server runs is noticed (each request stats
 * it) and served from then on; the hashed URL of the previous build then 404s.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { Router, type Request, type RequestHandler, type Response } from 'express';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

export type Coding = 'br' | 'gzip' | 'identity';
const CODINGS: readonly Coding[] = ['br', 'gzip', 'identity'];

export const SHORT_CACHE = 'public, max-age=300';
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const JS = 'text/javascript; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

interface Variant {
  body: Buffer;
  etag: string;
}

/** One file, ready to be served in every encoding. */
export interface PreparedFile {
  /** First 16 hex digits of the SHA-384 of the file. */
  hash: string;
  /** Subresource Integrity of the file (`sha384-…`). */
  integrity: string;
  variants: Record<Coding, Variant>;
}

async function prepare(bytes: Buffer): Promise<PreparedFile> {
  const digest = createHash('sha384').update(bytes).digest();
  const hash = digest.toString('hex').slice(0, 16);
  const [br, gz] = await Promise.all([
    brotli(bytes, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 11,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
    gzipped(bytes, { level: 9 }),
  ]);
  return {
    hash,
    integrity: `sha384-${digest.toString('base64')}`,
    variants: {
      br: { body: br, etag: `"${hash}-br"` },
      gzip: { body: gz, etag: `"${hash}-gzip"` },
      identity: { body: bytes, etag: `"${hash}"` },
    },
  };
}

/** Per file: the version (inode, size, mtime) last prepared, and the preparation. */
const prepared = new Map<string, { version: string; file: Promise<PreparedFile> }>();

/**
 * The file prepared for serving, or undefined when it does not exist. Prepared
 * again only when the file has changed.
 */
export async function loadPrepared(file: string): Promise<PreparedFile | undefined> {
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) {
    prepared.delete(file);
    return undefined;
  }
  const version = `${s.ino}:${s.size}:${s.mtimeMs}`;
  let entry = prepared.get(file);
  if (entry?.version !== version) {
    entry = { version, file: readFile(file).then(prepare) };
    prepared.set(file, entry);
    // A failed read (the file vanished mid-build) is retried by the next request.
    entry.file.catch(() => prepared.get(file) === entry && prepared.delete(file));
  }
  return entry.file;
}

/**
 * The content coding to answer with: the acceptable one with the highest q,
 * br before gzip before identity on equal q. No Accept-Encoding: identity.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Coding {
  if (acceptEncoding === undefined || acceptEncoding.trim() === '') return 'identity';
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [token = '', ...params] = part.split(';').map((s) => s.trim());
    if (!token) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^q\s*=\s*([01](?:\.\d{0,3})?)$/.exec(p);
      if (m) weight = Math.min(1, Number(m[1]));
    }
    q.set(token === 'x-gzip' ? 'gzip' : token, weight);
  }
  const any = q.get('*');
  const weight = (c: Coding) => q.get(c) ?? (c === 'identity' ? (any ?? 1) : (any ?? 0));
  let best: Coding = 'identity';
  let bestWeight = 0;
  for (const c of CODINGS) {
    const w = weight(c);
    if (w > bestWeight) [best, bestWeight] = [c, w];
  }
  return best;
}

/** If-None-Match (weak comparison, as RFC 9110 wants for it) against `etag`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function send(req: Request, res: Response, file: PreparedFile, type: string, headers: Record<string, string>): void {
  const coding = chooseEncoding(req.get('accept-encoding'));
  const variant = file.variants[coding];
  res.vary('Accept-Encoding');
  res.set({
    ...headers,
    ETag: variant.etag,
    // Any page may load it, as a classic or a module script (which needs CORS).
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Content-Type-Options': 'nosniff',
  });
  if (matches(req.get('if-none-match'), variant.etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).set({ 'Content-Type': type, 'Content-Length': String(variant.body.length) });
  if (coding !== 'identity') res.set('Content-Encoding', coding);
  res.end(req.method === 'HEAD' ? undefined : variant.body);
}

function notBuilt(req: Request, res: Response): void {
  res.status(404).set('Cache-Control', 'no-store').type('text/plain').send(`${req.baseUrl}${req.path} has not been built: run "npm run build"\n`);
}

export interface ScriptRoutesOptions {
  /** The bundle (dist/peer-call.js); its source map is `${file}.map`. */
  file: string;
  /** Run before each of these routes (and only them), e.g. security headers. */
  before?: RequestHandler[];
}

/** The routes above, relative to wherever the router is mounted. */
export function scriptRoutes({ file, before = [] }: ScriptRoutesOptions): Router {
  const map = `${file}.map`;
  const router = Router();
  // Start reading and compressing now, so that the first request need not wait.
  loadPrepared(file).catch(() => undefined);

  router.get('/peer-call.js', ...before, async (req, res) => {
    const script = await loadPrepared(file);
    if (!script) return notBuilt(req, res);
    send(req, res, script, JS, {
      'Cache-Control': SHORT_CACHE,
      Link: `<${req.baseUrl}/peer-call.${script.hash}.js>; rel="canonical"`,
    });
  });

  router.get('/peer-call.js.map', ...before, async (req, res) => {
    const sourceMap = await loadPrepared(map);
    if (!sourceMap) return notBuilt(req, res);
    send(req, res, sourceMap, JSON_TYPE, { 'Cache-Control': SHORT_CACHE });
  });

  router.get(/^\/peer-call\.([0-9a-f]{16})\.js(\.map)?$/, ...before, async (req, res) => {
    const [hash, isMap] = [req.params[0], req.params[1] !== undefined];
    const script = await loadPrepared(file);
    if (!script) return notBuilt(req, res);
    if (hash !== script.hash) {
      res.status(404).set('Cache-Control', 'no-store').type('text/plain');
      res.send(`this server has peer-call.${script.hash}.js, not this version (see ${req.baseUrl}/peer-call.json)\n`);
      return;
    }
    if (isMap) {
      const sourceMap = await loadPrepared(map);
      if (!sourceMap) return notBuilt(req, res);
      return send(req, res, sourceMap, JSON_TYPE, { 'Cache-Control': IMMUTABLE_CACHE });
    }
    // Tools that honour the header get the map of exactly this version.
    send(req, res, script, JS, { 'Cache-Control': IMMUTABLE_CACHE, SourceMap: `peer-call.${hash}.js.map` });
  });

  // The parts the bundle names (its build writes them next to it); only such names are looked up.
  const parts = path.join(path.dirname(file), 'parts');
  // And the languages' catalogs (lang-<tag>.<hash>.json), which the i18n part fetches (from
  // another origin than the page's: send() allows any).
  router.get(/^\/parts\/([a-z][a-z0-9-]*\.[0-9a-f]{8}\.js(?:\.map)?|lang-[a-z]{2,3}(?:-[A-Z]{2})?\.[0-9a-f]{8}\.json)$/, ...before, async (req, res) => {
    const name = req.params[0]!;
    const part = await loadPrepared(path.join(parts, name));
    if (!part) {
      res.status(404).set('Cache-Control', 'no-store').type('text/plain').send(`no part ${name} in this build (see ${req.baseUrl}/peer-call.json)\n`);
      return;
    }
    send(req, res, part, name.endsWith('.js') ? JS : JSON_TYPE, { 'Cache-Control': IMMUTABLE_CACHE });
  });

  router.get('/peer-call.json', ...before, async (req, res) => {
    const script = await loadPrepared(file);
    if (!script) return notBuilt(req, res);
    const v = script.variants;
    const body = JSON.stringify({
      script: `${req.baseUrl}/peer-call.${script.hash}.js`,
      integrity: script.integrity,
      map: `${req.baseUrl}/peer-call.${script.hash}.js.map`,
      bytes: { identity: v.identity.body.length, gzip: v.gzip.body.length, br: v.br.body.length },
    });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    res.set({ 'Cache-Control': 'no-cache', ETag: etag, 'Access-Control-Allow-Origin': '*', 'X-Content-Type-Options': 'nosniff' });
    if (matches(req.get('if-none-match'), etag)) {
      res.status(304).end();
      return;
    }
    res.status(200).type(JSON_TYPE).send(body);
  });

  return router;
}
