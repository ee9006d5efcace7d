/**
 * Every sentence peer-call shows or announces to people, in one catalog: the
 * views, the error messages and hints, the aria-labels and the Socket.IO
 * transport's messages. Code refers to a sentence by its key and passes its
 * parameters; `t()` turns the two into text in the language in use. English is
 * here; the other languages are catalogs with the same keys (src/i18n/<tag>.ts),
 * loaded when asked for (docs/languages.md).
 *
 * Placeholders are `{name}`. A parameter that is itself a word of the sentence
 * (which device, for instance) is passed as a key of this catalog
 * (`device.camera`), so that it is said in the sentence's language.
 */
export const en = {
  // ---- devices, as words inside sentences
  'device.camera and microphone': 'camera and microphone',
  'device.camera': 'camera',
  'device.microphone': 'microphone',
  'device.screen': 'screen',

  // ---- panels
  'idle.title': 'No room',
  'idle.text': 'Set the room attribute to start a call.',
  'prejoin.title': 'Join “{room}”',
  'prejoin.asking': 'Allow access to your camera and microphone…',
  'prejoin.cameraOff': 'Camera off',
  'prejoin.viewer': 'You will join as a viewer, without camera or microphone.',
  'prejoin.name': 'Your name',
  'prejoin.namePlaceholder': 'Guest',
  'prejoin.join': 'Join',
  'prejoin.waiting': 'Waiting for permission…',
  'prejoin.preview': 'Your camera preview',
  'mediaError.title': 'The camera or microphone could not be used.',
  'mediaError.retry': 'Try again',
  'mediaError.audioOnly': 'Use microphone only',
  'mediaError.none': 'Join without camera or microphone',
  'error.title': 'Something went wrong.',
  'error.retry': 'Try again',
  'left.title': 'You left the call',
  'left.rejoin': 'Rejoin',
  'part.failed': 'This part of the call could not be loaded ({detail}).',

  // ---- notices
  'notice.noCamera': 'No camera was found: you are joining with your microphone only.',

  // ---- grid and tiles
  'grid.joining': 'Joining…',
  'grid.empty': 'Waiting for others to join…',
  'tile.you': '{name} (you)',
  'tile.yourVideo': 'Your video',
  'tile.videoOf': 'Video of {name}',
  'tile.micMuted': 'microphone muted',
  'link.connecting': 'connecting…',
  'link.connected': 'connected',
  'link.reconnecting': 'reconnecting…',
  'link.failed': 'connection failed',
  'link.closed': 'left',
  'guest': 'Guest',

  // ---- the microphone and camera toggles (the preview's and the control bar's)
  'controls.microphone': 'Microphone',
  'controls.mute': 'Mute microphone',
  'controls.unmute': 'Unmute microphone',
  'controls.noMicrophone': 'No microphone',
  'controls.camera': 'Camera',
  'controls.cameraOff': 'Turn camera off',
  'controls.cameraOn': 'Turn camera on',


  // ---- errors: `error.<code>` is the message, `hint.<code>` what the user can do
  'error.permission-denied': 'Access to the {device} was blocked.',
  'hint.permission-denied': 'Allow camera and microphone for this site (the camera icon in the address bar, or the site settings), then try again.',
  'error.no-device': 'No {device} was found.',
  'hint.no-device': 'Connect a device and try again, or join without it.',
  'error.device-busy': 'The {device} could not be started.',
  'hint.device-busy': 'Another application or tab may be using it: close it and try again.',
  'hint.device-failed': 'Try again.',
  'error.constraints-impossible': 'The selected {device} is not available.',
  'hint.constraints-impossible': 'Pick another device and try again.',
  'error.prompt-timeout': 'The browser did not give access to the {device} in time.',
  'hint.prompt-timeout': 'Answer the permission prompt (look for it near the address bar), or try again.',
  'error.insecure-context': 'This page cannot use a camera or microphone because it is not served securely.',
  'hint.insecure-context': 'Open it over https:// (or on localhost).',
  'error.screen-share-failed': 'Screen sharing could not start.',
  'error.screen-share-cancelled': 'Screen sharing was cancelled or blocked.',
  'error.device-lost': 'Lost the {device}: {detail}',
  'error.unsupported': 'This browser cannot make video calls.',
  'hint.unsupported': 'Use a current version of Chrome, Edge, Firefox or Safari.',
  'error.no-room': 'This call has no room.',
  'hint.no-room': 'Set the room attribute.',
  'hint.unreachable': 'Check your connection and try again.',
  'hint.origin-refused': "The server's owner must add {origin} to ALLOWED_ORIGINS.",
  'hint.room-full': 'Try again when someone has left.',
  'hint.room-locked': 'Ask a host to unlock the call.',
  'hint.unauthorized': 'Ask the site for a new invitation link.',
  'error.refused': 'Could not join the call.',
  'hint.refused': 'Try again.',
  'error.signaling-closed': 'The connection to the call server closed.',
  'hint.signaling-closed': 'Join again to continue.',

  // ---- the Socket.IO transport
  'signaling.unreachable': 'The call server at {url} cannot be reached.',
  'signaling.originRefused': 'The call server at {url} does not allow this site ({origin}).',
  'signaling.noAnswer': 'The call server did not answer.',
  'signaling.busy': 'The call server at {url} refused more connections from your network for now.',
  'hint.busy': 'Wait a minute and try again.',
  'signaling.noServer':
    'No call server is set: peer-call was not loaded from a <script> tag that names one, so it tried this page’s own address ({url}), and no peer-call server answered there.',
  'hint.noServer': 'Set the server attribute (or the Call’s server option) to the URL of your peer-call-server, e.g. server="https://call.example.com".',
} as const;

/** Every key: the catalog's, and those the on-demand parts bring (src/parts/in-call-strings.ts). */
export type StringKey = keyof typeof en | keyof typeof import('./parts/in-call-strings.js').inCallEn | keyof typeof import('./call/in-room-strings.js').inRoomEn;
export type StringParams = Record<string, string | number>;
/** Sentences by key: a language's catalog, or a page's own words for some of them. */
export type Strings = Partial<Record<StringKey, string>>;

/** English: the catalog, and the parts' sentences once they are loaded. */
const catalog: Record<string, string> = { ...en };
/** The other languages loaded so far (src/i18n/, or a page's addLanguage). */
const languages = new Map<string, Strings>();
/** What t() reads now: a language's sentences and a page's own, over English. */
let active: { tag: string; strings: Strings | undefined; own: Strings | undefined } = { tag: 'en', strings: undefined, own: undefined };

/** Whether the English catalog has `key` (a part's sentences count once it is loaded). */
export const known = (key: string): key is StringKey => key in catalog;

/** Adds the English sentences an on-demand part brings (it calls this when it loads). */
export function addStrings(more: Record<string, string>): void {
  Object.assign(catalog, more);
}

/**
 * Adds (or replaces) a language's sentences: `tag` a BCP 47 tag (`de`, `pt-BR`), `strings`
 * its catalog (src/i18n/<tag>.ts), complete or not: what it lacks is said in English.
 */
export function addLanguage(tag: string, strings: Strings): void {
  languages.set(tag.toLowerCase(), strings);
}

/** Whether a language's sentences are here (English always is). */
export const hasLanguage = (tag: string): boolean => tag === 'en' || languages.has(tag.toLowerCase());

/**
 * The language t() speaks from now on (the Call sets it for what it says, each element before
 * it renders, so two elements of a page may speak two languages), with a page's own words
 * over it. A language not loaded is English.
 */
export function useLanguage(tag: string, own?: Strings): void {
  active = { tag, strings: languages.get(tag.toLowerCase()), own };
}

/** The language in use: for numbers, times and `lang` attributes. */
export const language = (): string => active.tag;

/**
 * How a sentence and its parameters make a text. The i18n part (src/i18n/format.ts) puts in
 * one that also reads ICU plurals (`{count, plural, one {…} other {…}}`), which only
 * translations use.
 */
let format = (text: string, params: StringParams): string =>
  text.replace(/\{(\w+)\}/g, (all, name: string) => {
    const v = params[name];
    return v === undefined ? all : typeof v === 'number' ? v.toLocaleString(active.tag) : v;
  });

/** Puts in another formatter (see `format`). */
export function setFormat(f: typeof format): void {
  format = f;
}

/**
 * The text of `key` in the language in use (else English, else the key itself), with its
 * `{placeholders}` filled from `params`: numbers in that language's way, and a parameter that
 * names a word of the catalog (`device.camera`) as that word in it.
 */
export function t(key: StringKey, params?: StringParams): string {
  const text = active.own?.[key] ?? active.strings?.[key] ?? catalog[key] ?? key;
  if (!params) return text;
  const words: StringParams = {};
  for (const [k, v] of Object.entries(params)) words[k] = typeof v === 'string' && v.startsWith('device.') ? t(v as StringKey) : v;
  return format(text, words);
}
