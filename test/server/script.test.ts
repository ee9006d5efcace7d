/**
 * The script-tag bundle served like a CDN: precompressed br/gzip, content
 * negotiation, strong ETags and 304s, the content-hashed immutable URL, the
 * source map, /peer-call.json. Against a copy of this checkout's
 * dist/peer-call.js (a rebuild by someone else meanwhile cannot move it).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { chooseEncoding } from '../../signaling-server/src/script.js';
import { rawRequest, startServer, type TestServer } from './helpers.js';

const DIST = path.resolve('dist', 'peer-call.js');

function decode(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'gzip') return gunzipSync(body);
  assert.equal(encoding, undefined, `unexpected Content-Encoding ${encoding}`);
  return body;
}

describe('the script, served like a CDN', () => {
  let t: TestServer;
  let root: string;
  let bundle: Buffer;
  let map: Buffer;
  let hash: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'peer-call-script-'));
    await mkdir(path.join(root, 'dist'));
    try {
      await copyFile(DIST, path.join(root, 'dist', 'peer-call.js'));
      await copyFile(`${DIST}.map`, path.join(root, 'dist', 'peer-call.js.map'));
      await cp(path.join(path.dirname(DIST), 'parts'), path.join(root, 'dist', 'parts'), { recursive: true });
    } catch {
      throw new Error('dist/peer-call.js is missing: run "npm run build" first');
    }
    bundle = await readFile(path.join(root, 'dist', 'peer-call.js'));
    map = await readFile(path.join(root, 'dist', 'peer-call.js.map'));
    hash = createHash('sha384').update(bundle).digest('hex').slice(0, 16);
    t = await startServer({ root });
  });
  after(() => t.close());

  for (const [acceptEncoding, expected] of [
    ['br, gzip', 'br'],
    ['gzip, deflate, br', 'br'],
    ['gzip', 'gzip'],
    ['deflate', undefined],
    [undefined, undefined],
  ] as const) {
    test(`Accept-Encoding: ${acceptEncoding ?? '(none)'} -> ${expected ?? 'identity'}, exactly the bytes of dist/peer-call.js`, async () => {
      const res = await rawRequest(`${t.url}/peer-call.js`, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], expected);
      assert.equal(res.headers['vary'], 'Accept-Encoding');
      assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(Number(res.headers['content-length']), res.body.length);
      assert.ok(decode(res.body, expected).equals(bundle), 'decompresses to the bundle');
      if (expected) assert.ok(res.body.length < bundle.length / 2, `${expected} is less than half the size`);
      assert.equal(res.headers['etag'], expected ? `"${hash}-${expected}"` : `"${hash}"`);
    });
  }

  test('brotli is quality 11: as small as zlib makes it at 11 (quality 5 is ~10% bigger)', async () => {
    const { brotliCompressSync, constants } = await import('node:zlib');
    const best = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } });
    const res = await rawRequest(`${t.url}/peer-call.js`, { 'accept-encoding': 'br' });
    assert.ok(res.body.length <= best.length + 64, `${res.body.length} bytes, zlib at 11: ${best.length}`);
  });

  test('Accept-Encoding q-values are honoured', () => {
    assert.equal(chooseEncoding('gzip;q=1, br;q=0.5'), 'gzip');
    assert.equal(chooseEncoding('br;q=0, gzip'), 'gzip');
    assert.equal(chooseEncoding('*'), 'br');
    assert.equal(chooseEncoding('*;q=0.5, gzip'), 'gzip');
    assert.equal(chooseEncoding('br;q=0, gzip;q=0'), 'identity');
    assert.equal(chooseEncoding('identity'), 'identity');
    assert.equal(chooseEncoding('BR'), 'br');
    assert.equal(chooseEncoding('x-gzip'), 'gzip');
    assert.equal(chooseEncoding(''), 'identity');
  });

  test('the stable URL: short cache, CORS, CORP, nosniff, and the immutable URL in Link', async () => {
    const res = await rawRequest(`${t.url}/peer-call.js`, { 'accept-encoding': 'br' });
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['link'], `</peer-call.${hash}.js>; rel="canonical"`);
  });

  test('If-None-Match with the ETag -> 304 without a body; another encoding\'s ETag -> 200', async () => {
    const first = await rawRequest(`${t.url}/peer-call.js`, { 'accept-encoding': 'br, gzip' });
    const etag = String(first.headers['etag']);
    for (const inm of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const again = await rawRequest(`${t.url}/peer-call.js`, { 'accept-encoding': 'br, gzip', 'if-none-match': inm });
      assert.equal(again.status, 304, `If-None-Match: ${inm}`);
      assert.equal(again.body.length, 0);
      assert.equal(again.headers['etag'], etag);
      assert.equal(again.headers['cache-control'], 'public, max-age=300');
      assert.equal(again.headers['vary'], 'Accept-Encoding');
    }
    // A cache holding the br variant must not get a 304 for a gzip-only request.
    const gzip = await rawRequest(`${t.url}/peer-call.js`, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    assert.equal(gzip.status, 200);
    assert.equal(gzip.headers['etag'], `"${hash}-gzip"`);
    const stale = await rawRequest(`${t.url}/peer-call.js`, { 'if-none-match': '"0000000000000000"' });
    assert.equal(stale.status, 200);
    assert.ok(stale.body.equals(bundle));
  });

  test('HEAD: the headers of GET, no body', async () => {
    const res = await rawRequest(`${t.url}/peer-call.js`, { 'accept-encoding': 'gzip' }, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.ok(Number(res.headers['content-length']) > 0);
    assert.equal(res.body.length, 0);
  });

  test('the hashed URL: the same bytes in every encoding, cached for a year, immutable', async () => {
    for (const encoding of ['br', 'gzip', undefined]) {
      const res = await rawRequest(`${t.url}/peer-call.${hash}.js`, encoding ? { 'accept-encoding': encoding } : {});
      assert.equal(res.status, 200);
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(res.headers['content-encoding'], encoding);
      assert.equal(res.headers['vary'], 'Accept-Encoding');
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.headers['sourcemap'], `peer-call.${hash}.js.map`);
      assert.ok(decode(res.body, encoding).equals(bundle));
    }
    const revalidated = await rawRequest(`${t.url}/peer-call.${hash}.js`, { 'if-none-match': `"${hash}"` });
    assert.equal(revalidated.status, 304);
  });

  test('a hash this server does not have is a 404 nobody caches', async () => {
    const res = await rawRequest(`${t.url}/peer-call.0123456789abcdef.js`);
    assert.equal(res.status, 404);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.body.toString(), new RegExp(`peer-call\\.${hash}\\.js`));
  });

  test('/peer-call.json names the hashed URL, its SRI integrity and the sizes', async () => {
    const res = await fetch(`${t.url}/peer-call.json`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    const manifest = (await res.json()) as { script: string; integrity: string; map: string; bytes: Record<string, number> };
    assert.equal(manifest.script, `/peer-call.${hash}.js`);
    assert.equal(manifest.map, `/peer-call.${hash}.js.map`);
    assert.equal(manifest.integrity, `sha384-${createHash('sha384').update(bundle).digest('base64')}`);
    assert.equal(manifest.bytes['identity'], bundle.length);
    const br = await rawRequest(`${t.url}/peer-call.js`, { 'accept-encoding': 'br' });
    assert.equal(manifest.bytes['br'], br.body.length);
    const etag = res.headers.get('etag')!;
    assert.equal((await fetch(`${t.url}/peer-call.json`, { headers: { 'if-none-match': etag } })).status, 304);
  });

  test('the source map: compressed, ETag, short cache at its stable URL, immutable at the hashed one', async () => {
    const res = await rawRequest(`${t.url}/peer-call.js.map`, { 'accept-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.ok(gunzipSync(res.body).equals(map));
    const etag = String(res.headers['etag']);
    assert.equal((await rawRequest(`${t.url}/peer-call.js.map`, { 'accept-encoding': 'gzip', 'if-none-match': etag })).status, 304);
    const hashed = await rawRequest(`${t.url}/peer-call.${hash}.js.map`, { 'accept-encoding': 'br' });
    assert.equal(hashed.status, 200);
    assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.ok(brotliDecompressSync(hashed.body).equals(map));
    assert.ok(JSON.parse(map.toString()).mappings, 'it is a source map');
  });

  test('the parts the bundle names: compressed, immutable, with their maps; other names are 404s', async () => {
    const files = (await readdir(path.join(root, 'dist', 'parts'))).filter((f) => f.endsWith('.js'));
    assert.ok(files.length > 0, 'the build wrote no parts');
    for (const file of files) {
      const bytes = await readFile(path.join(root, 'dist', 'parts', file));
      // The bundle names the part by its hash, with the integrity of exactly these bytes.
      const [, name, partHash] = /^([a-z][a-z0-9-]*)\.([0-9a-f]{8})\.js$/.exec(file)!;
      const integrity = `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
      const entry = `:[${JSON.stringify(partHash)},${JSON.stringify(integrity)}]`;
      assert.ok(bundle.includes(`${name}${entry}`) || bundle.includes(`${JSON.stringify(name)}${entry}`), `peer-call.js does not name ${file} with its integrity`);
      const res = await rawRequest(`${t.url}/parts/${file}`, { 'accept-encoding': 'br, gzip' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], 'br');
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.match(String(res.headers['content-type']), /^text\/javascript/);
      assert.ok(decode(res.body, 'br').equals(bytes), `${file}: not its bytes`);
      // A classic script that registers its factory, and names its map.
      assert.match(bytes.toString(), new RegExp(`^\\(globalThis\\[Symbol\\.for\\("peer-call\\.parts"\\)\\]\\?\\?=\\{\\}\\)\\["${file.replace(/\./g, '\\.')}"\\]=function`));
      const map = await rawRequest(`${t.url}/parts/${file}.map`, {});
      assert.equal(map.status, 200);
      const sources = (JSON.parse(map.body.toString()) as { sources: string[] }).sources.map((s) => path.resolve('dist/parts', s));
      assert.ok(sources.some((s) => s.startsWith(path.resolve('src') + path.sep)), `${file}.map: no source under src/`);
      for (const source of sources) assert.ok(existsSync(source), `${file}.map names ${source}, which does not exist`);
    }
    for (const bad of ['chat.00000000.js', '..%2Fpeer-call.js', 'Chat.be1060ad.js', 'x.js']) {
      const res = await rawRequest(`${t.url}/parts/${bad}`, {});
      assert.equal(res.status, 404, bad);
    }
  });

  test('the languages\' catalogs: JSON, compressed, immutable, for any origin; named (with their integrity) in the i18n part only', async () => {
    const files = (await readdir(path.join(root, 'dist', 'parts'))).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 16, `the build wrote ${files.length} catalogs`);
    const i18n = (await readdir(path.join(root, 'dist', 'parts'))).find((f) => /^i18n\.[0-9a-f]{8}\.js$/.test(f))!;
    const part = await readFile(path.join(root, 'dist', 'parts', i18n), 'utf8');
    for (const file of files) {
      const bytes = await readFile(path.join(root, 'dist', 'parts', file));
      const integrity = `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
      assert.ok(part.includes(JSON.stringify(file)) && part.includes(JSON.stringify(integrity)), `the i18n part does not name ${file} with its integrity`);
      assert.ok(!bundle.includes(file), `the first load names ${file}`);
      const res = await rawRequest(`${t.url}/parts/${file}`, { 'accept-encoding': 'gzip', origin: 'https://elsewhere.example' });
      assert.equal(res.status, 200, file);
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.ok(decode(res.body, 'gzip').equals(bytes));
      assert.equal(typeof (JSON.parse(bytes.toString()) as Record<string, string>)['prejoin.join'], 'string');
    }
    for (const bad of ['lang-de.00000000.json', 'lang-../x.json', 'lang-de.json']) assert.equal((await rawRequest(`${t.url}/parts/${bad}`, {})).status, 404, bad);
  });

  test('a rebuild while running is served from the next request on; the old hashed URL is then gone', async () => {
    const own = await mkdtemp(path.join(tmpdir(), 'peer-call-rebuild-'));
    await mkdir(path.join(own, 'dist'));
    const file = path.join(own, 'dist', 'peer-call.js');
    await writeFile(file, 'console.log("first build")');
    const s = await startServer({ root: own });
    try {
      const first = await rawRequest(`${s.url}/peer-call.js`);
      assert.equal(first.body.toString(), 'console.log("first build")');
      const oldHash = /peer-call\.([0-9a-f]{16})\.js/.exec(String(first.headers['link']))![1]!;
      await writeFile(file, 'console.log("the second build")');
      const second = await rawRequest(`${s.url}/peer-call.js`, { 'if-none-match': String(first.headers['etag']) });
      assert.equal(second.status, 200);
      assert.equal(second.body.toString(), 'console.log("the second build")');
      assert.notEqual(second.headers['etag'], first.headers['etag']);
      assert.equal((await rawRequest(`${s.url}/peer-call.${oldHash}.js`)).status, 404);
      // No map was built: the map is a 404, the script is served all the same.
      assert.equal((await rawRequest(`${s.url}/peer-call.js.map`)).status, 404);
    } finally {
      await s.close();
    }
  });
});
