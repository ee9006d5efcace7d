import type { Page } from 'playwright-core';

/** Video bytes received by the first <peer-call> of `page` from its (only) peer. */
export async function videoBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = [...document.querySelector('peer-call')!.connections.values()][0];
    let bytes = 0;
    (await pc?.getStats())?.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') bytes += s.bytesReceived;
    });
    return bytes;
  });
}

/** Resolves with the ms it took until video bytes rise again on both pages. */
export async function mediaFlowsAgain(pages: Page[], timeoutMs = 90_000): Promise<number> {
  const start = Date.now();
  const before = await Promise.all(pages.map(videoBytes));
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await Promise.all(pages.map(videoBytes));
    // A rebuilt connection starts counting from zero: any bytes on a new one count too.
    if (now.every((b, i) => b > before[i]! || (b > 0 && b < before[i]!))) {
      // ...and still rising a moment later (not a last packet in flight).
      await new Promise((r) => setTimeout(r, 500));
      const later = await Promise.all(pages.map(videoBytes));
      if (later.every((b, i) => b > now[i]!)) return Date.now() - start;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`media did not come back: ${JSON.stringify({ before, now })}`);
  }
}

