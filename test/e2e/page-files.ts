// Files for tests and benchmarks to send, made in the page: `window.makeFile(size)` puts `size`
// random bytes (nothing compresses them on the way) in `window.file` and resolves with their
// SHA-256 in hex; `window.sha(blob)` is a blob's. Plain JavaScript text, for playwright's
// addInitScript and evaluate and puppeteer's evaluate alike (functions compiled by tsx would
// carry helpers the page does not have).
export const PAGE_FILES = `
window.sha = async (data) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data instanceof Blob ? await data.arrayBuffer() : data))].map((b) => b.toString(16).padStart(2, '0')).join('');
window.makeFile = async (size, name = 'big.bin') => {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  window.file = new File([bytes], name);
  return window.sha(bytes);
};`;
