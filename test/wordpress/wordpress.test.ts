// The WordPress plugin (cms/wordpress/peer-call) on a real WordPress: Debian's packages, a
// throwaway MariaDB and PHP's built-in server (stack.ts), the peer-call server as deployed,
// and real Chromium users. The plugin is installed the way a site owner installs it: the zip
// from `npm run build:wordpress`, uploaded in wp-admin, activated, configured on its settings
// page; then an editor and an anonymous visitor meet in calls on a block page and a shortcode
// page.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort } from '../net.js';
import { launchChromium, remoteVideoFlows, until } from '../e2e/helpers.js';
import { installWordPress, makeTempDir, removeTempDir, startMariaDb, startPeerCallServer, startWordPress, type Child, type Database, type PeerCallServer, type WordPress } from './stack.js';

const SECRET = `wp-test-join-secret-${randomBytes(16).toString('hex')}`;
const ADMIN = { user: 'admin', password: `admin-${randomBytes(8).toString('hex')}`, email: 'admin@example.test' };
// An apostrophe and an ampersand: escaped in the attribute, intact in the token and the call.
const EDITOR = { user: 'edna', password: `edna-${randomBytes(8).toString('hex')}`, email: 'edna@example.test', name: "Edna O'Brien & Co" };
const PREFIX = 'wp-';

/** The claims of a JWT (not verified: the server does that). */
const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

/** The entries of a zip file (names and, for files, their inflated contents), read from its central directory. */
function readZip(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory header');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + size);
    entries.set(name, method === 8 ? inflateRawSync(body) : Buffer.from(body));
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/** The <peer-call ...></peer-call> tags of a page's HTML, as the server sent them. */
const callTags = (html: string) => html.match(/<peer-call\b[^>]*><\/peer-call>/g) ?? [];
/** The script tags that load the element. */
const scriptTags = (html: string, server: string) => html.match(new RegExp(`<script[^>]*src=["']${server.replace(/[.:/]/g, '\\$&')}/peer-call\\.js[^>]*>`, 'g')) ?? [];

describe('WordPress plugin on a real WordPress', { timeout: 240_000 }, () => {
  let dir: string;
  let zip: string;
  let db: Database | undefined;
  let wp: WordPress;
  let server: PeerCallServer | undefined;
  let browser: Browser | undefined;
  let admin: BrowserContext;
  let editor: BrowserContext;
  let visitor: BrowserContext;
  /** Every page's HTML as the browsers received it, to look for the secret in. */
  const html: string[] = [];
  const pages: Record<'block' | 'shortcode' | 'two' | 'injection', string> = { block: '', shortcode: '', two: '', injection: '' };

  before(async () => {
    dir = makeTempDir('peer-call-wp-');
    const [wpPort, serverPort] = [await freePort(), await freePort()];
    const wpOrigin = `http://127.0.0.1:${wpPort}`;
    // Only the WordPress origin may use the server (localhost in general may not), and joining needs a token.
    // Side by side; each kept as soon as it is up, so that after() stops it whatever else fails.
    const started = await Promise.allSettled([
      startMariaDb(join(dir, 'db')).then((d) => (db = d)),
      startPeerCallServer(serverPort, { JOIN_SECRET: SECRET, ALLOWED_ORIGINS: wpOrigin, ALLOW_LOCALHOST: 'false' }).then((s) => (server = s)),
      launchChromium().then((b) => (browser = b)),
    ]);
    for (const r of started) if (r.status === 'rejected') throw r.reason;
    wp = await startWordPress(dir, db!, wpPort);
    assert.equal(wp.origin, wpOrigin);
    await installWordPress(wp, ADMIN);
    [admin, editor, visitor] = [await browser!.newContext(), await browser!.newContext(), await browser!.newContext()];
  });

  after(async () => {
    await browser?.close();
    const children: (Child | undefined)[] = [wp?.php, server?.process, db?.process];
    await Promise.all(children.map((c) => c?.stop()));
    if (dir) removeTempDir(dir);
  });

  /** Opens `url` in `context`, keeps the HTML as sent. */
  async function open(context: BrowserContext, url: string): Promise<{ page: Page; html: string; headers: Record<string, string> }> {
    const page = context.pages()[0] ?? (await context.newPage());
    const res = await page.goto(url);
    assert.ok(res, `no response for ${url}`);
    const body = await res.text();
    html.push(body);
    return { page, html: body, headers: res.headers() };
  }

  async function logIn(context: BrowserContext, user: string, password: string): Promise<void> {
    const { page } = await open(context, `${wp.origin}/wp-login.php`);
    await page.locator('#user_login').fill(user);
    await page.locator('#user_pass').fill(password);
    await Promise.all([page.waitForURL(/\/wp-admin\//), page.locator('#wp-submit').click()]);
  }

  const restNonce = async () => (await admin.request.get(`${wp.origin}/wp-admin/admin-ajax.php?action=rest-nonce`)).text();

  async function restGet(path: string): Promise<string> {
    const res = await admin.request.get(`${wp.origin}/?rest_route=${path}`, { headers: { 'X-WP-Nonce': await restNonce() } });
    assert.ok(res.ok(), `${path}: HTTP ${res.status()}`);
    return res.text();
  }

  /** The REST API as the admin (cookie + nonce), for what is not under test: users and pages. */
  async function rest(path: string, data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const nonce = await restNonce();
    const res = await admin.request.post(`${wp.origin}/?rest_route=${path}`, { data, headers: { 'X-WP-Nonce': nonce } });
    const body = (await res.json()) as Record<string, unknown>;
    assert.ok(res.ok(), `${path}: HTTP ${res.status()} ${JSON.stringify(body)}`);
    return body;
  }

  async function publish(title: string, content: string): Promise<string> {
    const page = await rest('/wp/v2/pages', { title, content, status: 'publish' });
    return String(page['link']);
  }

  /** Settings → Peer Call, filled in and saved like an administrator does. Returns the page after saving. */
  async function saveSettings(fields: { server?: string; secret?: string; removeSecret?: boolean; prefix?: string; anonymous?: 'admit' | 'refuse' }): Promise<{ page: Page; html: string }> {
    const { page } = await open(admin, `${wp.origin}/wp-admin/options-general.php?page=peer-call`);
    if (fields.server !== undefined) await page.locator('#peer_call_server_url').fill(fields.server);
    if (fields.secret !== undefined) await page.locator('#peer_call_join_secret').fill(fields.secret);
    if (fields.removeSecret) await page.locator('input[name="peer_call_remove_join_secret"]').check();
    if (fields.prefix !== undefined) await page.locator('#peer_call_room_prefix').fill(fields.prefix);
    if (fields.anonymous) await page.locator(`input[name="peer_call_settings[anonymous]"][value="${fields.anonymous}"]`).check();
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().includes('options-general.php?page=peer-call') && r.request().method() === 'GET'), page.locator('#submit').click()]);
    await page.waitForLoadState();
    const body = await res.text();
    html.push(body);
    return { page, html: body };
  }

  /** Joins the first call of `page` (typing `name` if given), like a user. */
  async function joinCall(page: Page, name?: string): Promise<void> {
    const el = page.locator('peer-call');
    if (name !== undefined) await el.locator('[part~="name-input"]').fill(name);
    await el.locator('[part~="join-button"]').click();
    await until(page, () => document.querySelector('peer-call')!.state === 'joined', undefined, 60_000);
  }

  /** The editor and the visitor open `url`, join its call and see each other's video. */
  async function meet(url: string): Promise<{ editorTag: string; visitorTag: string }> {
    const e = await open(editor, url);
    const v = await open(visitor, url);
    for (const { page } of [e, v]) await until(page, () => document.querySelector('peer-call')?.state === 'prejoin');
    await joinCall(e.page);
    await joinCall(v.page, 'Visitor');
    for (const { page } of [e, v]) await until(page, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    const [we, wv] = await Promise.all([remoteVideoFlows(e.page), remoteVideoFlows(v.page)]);
    assert.ok(we[0]! > 0 && wv[0]! > 0, 'video both ways');
    // The server announces the editor under the token's name, and the visitor under the name typed.
    assert.equal(await v.page.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name), EDITOR.name);
    assert.equal(await e.page.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name), 'Visitor');
    const [editorTag, visitorTag] = [callTags(e.html), callTags(v.html)];
    assert.equal(editorTag.length, 1);
    assert.equal(visitorTag.length, 1);
    assert.equal(scriptTags(e.html, server!.url).length, 1, 'the script tag, once');
    return { editorTag: editorTag[0]!, visitorTag: visitorTag[0]! };
  }

  const attribute = (page: Page, name: string) => page.evaluate((n) => document.querySelector('peer-call')?.getAttribute(n) ?? null, name);

  test('npm run build:wordpress makes dist/peer-call-wordpress.zip with the folder peer-call/', () => {
    const r = spawnSync('npm', ['run', '--silent', 'build:wordpress'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // A copy for this run, in case another build empties dist/ meanwhile.
    zip = join(dir, 'peer-call-wordpress.zip');
    copyFileSync('dist/peer-call-wordpress.zip', zip);
    const entries = readZip(zip);
    assert.ok([...entries.keys()].every((name) => name.startsWith('peer-call/')), [...entries.keys()].join(', '));
    for (const file of ['peer-call.php', 'readme.txt', 'block/block.json', 'block/editor.js', 'block/editor.asset.php', 'includes/render.php']) {
      assert.deepEqual(entries.get(`peer-call/${file}`), readFileSync(`cms/wordpress/peer-call/${file}`), file);
    }
    const main = entries.get('peer-call/peer-call.php')!.toString();
    assert.match(main, /Plugin Name:\s+Peer Call/);
    assert.match(main, /License:\s+GPL-2\.0-or-later/);
    assert.match(main, /Text Domain:\s+peer-call/);
  });

  test('uploaded in wp-admin from the zip, activated, with its settings link', async () => {
    await logIn(admin, ADMIN.user, ADMIN.password);
    const { page } = await open(admin, `${wp.origin}/wp-admin/plugin-install.php?tab=upload`);
    await page.locator('#pluginzip').setInputFiles(zip);
    await Promise.all([page.waitForURL(/update\.php\?action=upload-plugin/), page.locator('#install-plugin-submit').click()]);
    assert.match((await page.locator('.wrap').textContent()) ?? '', /Plugin installed successfully/);
    await Promise.all([page.waitForURL(/plugins\.php/), page.locator('.wrap a.button-primary', { hasText: 'Activate Plugin' }).click()]);
    assert.match((await page.locator('#message').textContent()) ?? '', /Plugin activated/);
    const row = page.locator('tr[data-plugin="peer-call/peer-call.php"]');
    assert.match((await row.getAttribute('class')) ?? '', /\bactive\b/);
    assert.equal(await row.locator('a', { hasText: 'Settings' }).getAttribute('href'), `${wp.origin}/wp-admin/options-general.php?page=peer-call`);

    // The users and pages of the site.
    const user = await rest('/wp/v2/users', { username: EDITOR.user, password: EDITOR.password, email: EDITOR.email, name: EDITOR.name, roles: ['editor'] });
    // WordPress keeps display names HTML-escaped; the plugin must decode it for the token.
    assert.equal(user['name'], EDITOR.name.replace('&', '&amp;'));
    pages.block = await publish('Block call', '<!-- wp:paragraph --><p>The stand-up:</p><!-- /wp:paragraph -->\n<!-- wp:peer-call/call {"room":"standup"} /-->');
    pages.shortcode = await publish('Shortcode call', 'The retro:\n\n[peer-call room="retro"]\n\nSee you there.');
    pages.two = await publish('Two calls', '<!-- wp:peer-call/call {"room":"same"} /-->\n<!-- wp:shortcode -->[peer-call room="same"]<!-- /wp:shortcode -->');
    // Attribute injections: a quote that closes the attribute (and opens an event handler), a
    // tag that closes the element, and both through the block's JSON attributes (which reach
    // the renderer as is, where WordPress's texturizer curls the shortcode's quotes first).
    pages.injection = await publish(
      'Injection',
      `[peer-call room='q" onfocus="window.pwned=1" autofocus tabindex="0']\n\n` +
        `[peer-call room='t"><script>window.pwned=2</script>']\n\n` +
        `<!-- wp:peer-call/call {"room":"b\\u0022\\u003e\\u003cscript\\u003ewindow.pwned=3\\u003c/script\\u003e"} /-->`,
    );
  });

  test('the block in the editor: inserted, its room typed, saved as a dynamic block', async () => {
    const page = await admin.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    try {
      await page.goto(`${wp.origin}/wp-admin/post-new.php?post_type=page`);
      type Wp = { blocks: Record<string, (...a: unknown[]) => unknown>; data: { dispatch(s: string): Record<string, (...a: unknown[]) => unknown>; select(s: string): Record<string, (...a: unknown[]) => unknown> } };
      await page.waitForFunction(() => Boolean((window as unknown as { wp?: Wp }).wp?.blocks?.['getBlockType']?.('peer-call/call')), undefined, { timeout: 30_000 });
      const type = await page.evaluate(() => {
        const t = (window as unknown as { wp: Wp }).wp.blocks['getBlockType']!('peer-call/call') as { title: string; category: string; attributes: Record<string, unknown> };
        return { title: t.title, category: t.category, attributes: Object.keys(t.attributes) };
      });
      assert.equal(type.title, 'Peer Call');
      assert.equal(type.category, 'embed');
      assert.ok(type.attributes.includes('room'));
      await page.evaluate(() => {
        const { wp } = window as unknown as { wp: Wp };
        void wp.data.dispatch('core/block-editor')['insertBlocks']!(wp.blocks['createBlock']!('peer-call/call', {}));
      });
      // Typed into the block's own field, as an author does.
      const field = page.locator('.wp-block-peer-call-call input[type="text"]').first();
      await field.fill('from-editor');
      await until(page, () => {
        const { wp } = window as unknown as { wp: Wp };
        return wp.blocks['serialize']!(wp.data.select('core/block-editor')['getBlocks']!()) === '<!-- wp:peer-call/call {"room":"from-editor"} /-->';
      });
      assert.match((await page.locator('.wp-block-peer-call-call').textContent()) ?? '', /Peer Call/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('settings page: the server URL is validated, the secret is never printed, only administrators get in', async () => {
    // Before it is configured, a page with a call tells administrators and shows visitors nothing.
    assert.match((await open(admin, pages.block)).html, /no call server is set yet/);
    const before = await open(visitor, pages.block);
    assert.equal(callTags(before.html).length, 0);
    assert.doesNotMatch(before.html, /no call server is set yet|peer-call\.js/);

    let saved = await saveSettings({ server: 'http://call.example.com', prefix: 'bad prefix!' });
    assert.match(saved.html, /must start with https:\/\//);
    assert.match(saved.html, /room name prefix may hold only/);
    assert.equal(await saved.page.locator('#peer_call_server_url').inputValue(), '');
    assert.equal(await saved.page.locator('#peer_call_room_prefix').inputValue(), '');
    assert.equal(await saved.page.locator('.peer-call-secret-status').textContent(), 'not set');

    saved = await saveSettings({ server: `${server!.url}/`, secret: SECRET, prefix: PREFIX, anonymous: 'admit' });
    assert.match(saved.html, /Settings saved/);
    assert.equal(await saved.page.locator('#peer_call_server_url').inputValue(), server!.url, 'normalised, without the trailing slash');
    assert.equal(await saved.page.locator('.peer-call-secret-status').textContent(), 'set');
    assert.equal(await saved.page.locator('#peer_call_join_secret').inputValue(), '');
    assert.ok(!saved.html.includes(SECRET));
    // Nor does the REST API hand it out.
    const settings = await restGet('/wp/v2/settings');
    assert.ok(!settings.includes(SECRET) && !settings.includes('peer_call'), settings);

    // Saving again without typing a secret keeps it; a short one is refused and the old one kept.
    saved = await saveSettings({ secret: 'short' });
    assert.match(saved.html, /at least 16 characters/);
    assert.equal(await saved.page.locator('.peer-call-secret-status').textContent(), 'set');

    // An editor may not open the page, nor post to options.php.
    await logIn(editor, EDITOR.user, EDITOR.password);
    const denied = await open(editor, `${wp.origin}/wp-admin/options-general.php?page=peer-call`);
    assert.doesNotMatch(denied.html, /peer_call_server_url/);
    const post = await editor.request.post(`${wp.origin}/wp-admin/options.php`, {
      form: { option_page: 'peer_call', action: 'update', 'peer_call_settings[server_url]': 'https://evil.example.com' },
      maxRedirects: 0,
    });
    assert.ok(post.status() >= 400, `options.php answered ${post.status()} to an editor`);
    // Nor does a forged post without the nonce pass as the administrator.
    const forged = await admin.request.post(`${wp.origin}/wp-admin/options.php`, {
      form: { option_page: 'peer_call', action: 'update', 'peer_call_settings[server_url]': 'https://evil.example.com' },
      maxRedirects: 0,
    });
    assert.ok(forged.status() >= 400, `options.php answered ${forged.status()} without a nonce`);
    const check = await open(admin, `${wp.origin}/wp-admin/options-general.php?page=peer-call`);
    assert.equal(await check.page.locator('#peer_call_server_url').inputValue(), server!.url);
  });

  test('block page: the editor (host) and an anonymous visitor join the same call', async () => {
    const { editorTag, visitorTag } = await meet(pages.block);
    const e = editor.pages()[0]!;
    const v = visitor.pages()[0]!;
    assert.equal(await attribute(e, 'room'), `${PREFIX}standup`);
    assert.equal(await attribute(e, 'server'), server!.url);
    assert.equal(await attribute(e, 'name'), EDITOR.name);
    assert.match(editorTag, / name="Edna O&#039;Brien &amp; Co"/, 'the name, escaped');
    const editorClaims = claimsOf((await attribute(e, 'token'))!);
    assert.equal(editorClaims['room'], `${PREFIX}standup`);
    assert.equal(editorClaims['name'], EDITOR.name);
    assert.equal(editorClaims['role'], 'host');
    const ttl = Number(editorClaims['exp']) - Date.now() / 1000;
    assert.ok(ttl > 3000 && ttl <= 3601, `the token lives about an hour (${ttl} s left)`);

    assert.equal(await attribute(v, 'name'), null);
    const visitorClaims = claimsOf((await attribute(v, 'token'))!);
    assert.equal(visitorClaims['room'], `${PREFIX}standup`);
    assert.ok(!('role' in visitorClaims) && !('name' in visitorClaims), JSON.stringify(visitorClaims));
    assert.match(visitorTag, /^<peer-call room="wp-standup" server="[^"]+" token="[^"]+"><\/peer-call>$/);

    // The server made the editor a host (the token's role): the editor sees the host controls,
    // the visitor does not, and both see who the host is.
    const hostButton = (page: Page) => page.locator('peer-call').locator('[part~="host-button"]');
    await hostButton(e).waitFor({ timeout: 20_000 });
    assert.equal(await hostButton(v).count(), 0, 'the visitor has no host controls');
    assert.equal(await v.locator('peer-call').locator('[part~="host-badge"]').textContent(), 'Host');
    assert.equal(await v.evaluate(() => document.querySelector('peer-call')!.call.moderation?.host), false);
    await hostButton(e).click();
    await e.locator('peer-call').locator('[part~="host-people"] [part~="host-remove-button"]').waitFor();
    assert.equal(await e.locator('peer-call').locator('[part~="host-people"] li span').first().textContent(), 'Visitor');
  });

  test('shortcode page: the same call, the same markup', async () => {
    const { editorTag } = await meet(pages.shortcode);
    const e = editor.pages()[0]!;
    assert.equal(await attribute(e, 'room'), `${PREFIX}retro`);
    assert.equal(claimsOf((await attribute(e, 'token'))!)['role'], 'host');
    assert.match(editorTag, /^<peer-call room="wp-retro" server="[^"]+" name="[^"]+" token="[^"]+"><\/peer-call>$/);
  });

  test('two calls on a page: one script tag, the block and the shortcode render alike; none on other pages', async () => {
    for (const context of [editor, visitor]) {
      const { html: body } = await open(context, pages.two);
      const tags = callTags(body);
      assert.equal(tags.length, 2);
      assert.equal(tags[0]!.replace(/token="[^"]*"/, 'token=""'), tags[1]!.replace(/token="[^"]*"/, 'token=""'));
      assert.equal(scriptTags(body, server!.url).length, 1);
      // In the footer: after the calls.
      assert.ok(body.indexOf(scriptTags(body, server!.url)[0]!) > body.lastIndexOf('</peer-call>'));
    }
    const sample = await open(visitor, `${wp.origin}/?page_id=2`);
    assert.match(sample.html, /Sample Page/);
    assert.equal(scriptTags(sample.html, server!.url).length, 0);
    assert.doesNotMatch(sample.html, /peer-call\.js/);
  });

  test('pages with a token or a name are kept out of page caches; others are not', async () => {
    // The editor's (name, host token) and the visitor's (a token that expires in an hour).
    for (const context of [editor, visitor]) {
      const { html: body, headers } = await open(context, pages.block);
      assert.match(headers['cache-control'] ?? '', /no-cache/);
      assert.match(headers['cache-control'] ?? '', /max-age=0/);
      assert.match(body, /<!-- page cache: skipped \(DONOTCACHEPAGE\) -->$/);
    }
    // A page without a call stays cachable for visitors.
    const { html: body, headers } = await open(visitor, `${wp.origin}/?page_id=2`);
    assert.doesNotMatch(headers['cache-control'] ?? '', /no-cache/);
    assert.match(body, /<!-- page cache: stored -->$/);
  });

  test('a room cannot break out of the element (shortcode and block)', async () => {
    const { page, html: body } = await open(visitor, pages.injection);
    const tags = callTags(body);
    assert.equal(tags.length, 3, body);
    assert.match(tags[0]!, /^<peer-call room="wp-q&quot; onfocus=&quot;window\.pwned=1&quot; autofocus tabindex=&quot;0" server="/);
    assert.match(tags[1]!, /^<peer-call room="wp-[^"]*t[^"]*&gt;&lt;script&gt;window\.pwned=2&lt;\/script&gt;[^"]*" server="/);
    assert.match(tags[2]!, /^<peer-call room="wp-b&quot;&gt;&lt;script&gt;window\.pwned=3&lt;\/script&gt;" server="/);
    await page.waitForLoadState('load');
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    const elements = await page.evaluate(() =>
      [...document.querySelectorAll('peer-call')].map((el) => ({ room: el.getAttribute('room'), attributes: el.getAttributeNames() })),
    );
    assert.equal(elements[0]!.room, 'wp-q" onfocus="window.pwned=1" autofocus tabindex="0');
    assert.match(elements[1]!.room!, /<script>window\.pwned=2<\/script>/);
    assert.equal(elements[2]!.room, 'wp-b"><script>window.pwned=3</script>');
    // As sent, each tag has exactly its three attributes (in the page, the element adds its own: layout, state).
    for (const tag of tags) assert.deepEqual([...tag.matchAll(/\s([a-z-]+)="/g)].map((m) => m[1]), ['room', 'server', 'token'], tag);
    for (const { attributes } of elements) assert.ok(!attributes.some((a) => ['onfocus', 'autofocus', 'tabindex'].includes(a)), attributes.join());
    assert.equal(await page.locator('script', { hasText: 'window.pwned' }).count(), 0);
  });

  test('the server refuses a tampered token', async () => {
    const { page } = await open(visitor, pages.block);
    await until(page, () => document.querySelector('peer-call')?.state === 'prejoin');
    const token = (await attribute(page, 'token'))!;
    const [header, , signature] = token.split('.');
    // The visitor makes itself a host, keeping the signature.
    const payload = Buffer.from(JSON.stringify({ ...claimsOf(token), role: 'host', name: 'Not Edna' })).toString('base64url');
    await page.evaluate((t) => {
      const el = document.querySelector('peer-call')!;
      el.token = t;
      el.addEventListener('peer-call-error', (e) => ((window as unknown as { codes: string[] }).codes ??= []).push((e as Event & { code: string }).code));
    }, `${header}.${payload}.${signature}`);
    await page.locator('peer-call').locator('[part~="join-button"]').click();
    await until(page, () => document.querySelector('peer-call')!.state === 'error');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { codes?: string[] }).codes), ['unauthorized']);
  });

  test('anonymous visitors refused: a message instead of the call; editors still get theirs', async () => {
    await saveSettings({ anonymous: 'refuse' });
    const { page, html: body, headers } = await open(visitor, pages.block);
    assert.doesNotMatch(headers['cache-control'] ?? '', /no-cache/);
    assert.equal(callTags(body).length, 0);
    assert.equal(await page.locator('peer-call').count(), 0);
    assert.equal(scriptTags(body, server!.url).length, 0);
    const message = page.locator('.peer-call-login-required');
    assert.match((await message.textContent()) ?? '', /This call is for members of this site\. Please log in to join it\./);
    assert.match((await message.locator('a').getAttribute('href')) ?? '', /wp-login\.php\?redirect_to=/);
    // Nothing personal in it: cachable.
    assert.match(body, /<!-- page cache: stored -->$/);
    assert.equal(callTags((await open(editor, pages.block)).html).length, 1);
  });

  test('without a join secret: no token, the name still', async () => {
    const saved = await saveSettings({ removeSecret: true, anonymous: 'admit' });
    assert.equal(await saved.page.locator('.peer-call-secret-status').textContent(), 'not set');
    const e = await open(editor, pages.block);
    assert.equal(await attribute(e.page, 'token'), null);
    assert.equal(await attribute(e.page, 'name'), EDITOR.name);
    const v = await open(visitor, pages.block);
    assert.match(callTags(v.html)[0] ?? '', /^<peer-call room="wp-standup" server="[^"]+"><\/peer-call>$/);
  });

  test('the secret appeared in no page, and the plugin caused no PHP notice', () => {
    assert.ok(html.length > 20, `${html.length} pages looked at`);
    for (const body of html) assert.ok(!body.includes(SECRET), 'the join secret is in a page');
    const notices = wp.log().filter((line) => /wp-content\/plugins\/peer-call\/|peer-call\/call|peer_call/.test(line));
    assert.deepEqual(notices, []);
  });
});
