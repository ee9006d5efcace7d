/**
 * A received file's name made safe to save. The name is the sender's word: it may hold a
 * path (`../../.bashrc`), characters a file system refuses (`:` `*` `?` `"` `<` `>` `|`),
 * control characters, or bidirectional overrides that show `cod.exe` as `exe.doc`
 * ("RTLO" spoofing). What is left names the download; it is never used to open or render it.
 */

/** Longest name kept, in characters (file systems allow 255 bytes; UTF-8 may take 3 a character). */
const MAX_NAME = 80;

export function safeFileName(name: string): string {
  let n = name
    .normalize('NFC')
    // Control characters, and the bidi marks, embeddings, overrides and isolates.
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    // Path separators and what Windows refuses: the name is one file, in the downloads folder.
    .replace(/[\\/:*?"<>|]/g, '_')
    // No hidden files, no names that end in a dot or space (Windows drops them).
    .replace(/^[\s.]+|[\s.]+$/g, '');
  // Windows' reserved device names, with or without an extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(n)) n = `_${n}`;
  if (n.length > MAX_NAME) {
    // Keep the extension (up to 10 characters): it is what the system opens the file by.
    const ext = /\.[^.\s]{1,10}$/.exec(n)?.[0] ?? '';
    n = n.slice(0, MAX_NAME - ext.length) + ext;
  }
  return n || 'file';
}
