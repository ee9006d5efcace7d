import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { SETTINGS } from '../../signaling-server/src/index.js';

test('the README configuration table lists every setting, with its flag', async () => {
  const readme = await readFile('README.md', 'utf8');
  for (const s of SETTINGS) {
    assert.match(readme, new RegExp(`\\| \`${s.env}\` \\| \`--${s.flag}\` \\|`), `${s.env} is missing from the README`);
  }
});
