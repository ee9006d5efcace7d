#!/usr/bin/env node
// `npm run build:wordpress`: packs cms/wordpress/peer-call/ into dist/peer-call-wordpress.zip,
// the file WordPress takes in Plugins → Add New → Upload Plugin (a zip holding the folder
// peer-call/). The zip is written here with node:zlib (deflate + CRC-32), so packaging needs
// neither an npm dependency nor the zip command. Dotfiles are left out.
//
//   node scripts/wordpress-zip.mjs [--out FILE]
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'cms/wordpress/peer-call');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : join(root, 'dist/peer-call-wordpress.zip');

/** Every directory and file under `dir`, sorted (a stable order, a reproducible zip). */
function walk(dir) {
  const entries = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) entries.push({ path, dir: true, mtime: st.mtime }, ...walk(path));
    else if (st.isFile()) entries.push({ path, dir: false, mtime: st.mtime });
  }
  return entries;
}

/** MS-DOS date and time, as zip headers hold them (local time, 2-second steps, from 1980). */
function dosTime(date) {
  const d = date.getFullYear() < 1980 ? new Date(1980, 0, 1) : date;
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

const locals = [];
const centrals = [];
let offset = 0;
const files = [{ path: source, dir: true, mtime: statSync(source).mtime }, ...walk(source)];
for (const entry of files) {
  const name = `peer-call/${relative(source, entry.path).split(sep).join('/')}`.replace(/\/$/, '') + (entry.dir ? '/' : '');
  const nameBytes = Buffer.from(name, 'utf8');
  const data = entry.dir ? Buffer.alloc(0) : readFileSync(entry.path);
  const deflated = entry.dir ? data : deflateRawSync(data, { level: 9 });
  const stored = entry.dir || deflated.length >= data.length;
  const body = stored ? data : deflated;
  const crc = entry.dir ? 0 : crc32(data);
  const { time, date } = dosTime(entry.mtime);

  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); // local file header
  local.writeUInt16LE(20, 4); // version needed: 2.0
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(stored ? 0 : 8, 8); // stored / deflate
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  local.writeUInt16LE(0, 28);
  locals.push(local, nameBytes, body);

  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); // central directory header
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(stored ? 0 : 8, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(date, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt16LE(0, 30); // extra
  central.writeUInt16LE(0, 32); // comment
  central.writeUInt16LE(0, 34); // disk
  central.writeUInt16LE(0, 36); // internal attributes
  // External attributes: Unix mode in the high half (drwxr-xr-x / -rw-r--r--), MS-DOS directory bit.
  central.writeUInt32LE((((entry.dir ? 0o040755 : 0o100644) << 16) | (entry.dir ? 0x10 : 0)) >>> 0, 38);
  central.writeUInt32LE(offset, 42);
  centrals.push(central, nameBytes);

  offset += local.length + nameBytes.length + body.length;
}

const directory = Buffer.concat(centrals);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0); // end of central directory
end.writeUInt16LE(files.length, 8);
end.writeUInt16LE(files.length, 10);
end.writeUInt32LE(directory.length, 12);
end.writeUInt32LE(offset, 16);

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, Buffer.concat([...locals, directory, end]));
console.log(`${relative(process.cwd(), out) || out}: ${files.filter((f) => !f.dir).length} files`);
