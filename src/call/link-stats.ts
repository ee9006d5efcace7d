/**
 * How good each link is, from its statistics (getStats every 2 s): round trip, packet loss
 * both ways, jitter, bitrates, the video received, and a verdict (good / fair / poor) with
 * its reasons, so that a tile can say "poor connection" and a panel can say why. Loaded once
 * the Call is in a room (./later.ts); nothing here is needed to get a call connected.
 */
import { selectedPair } from '../rtc/peer-link.js';

/** How often every link's statistics are read. */
export const STATS_INTERVAL_MS = 2_000;

export type LinkQuality = 'good' | 'fair' | 'poor';
/** What made a link less than good: the round trip, packets lost (either way), or jitter. */
export type QualityReason = 'rtt' | 'loss' | 'jitter';

export interface LinkStats {
  quality: LinkQuality;
  reasons: QualityReason[];
  /** Round trip on the pair of candidates in use, ms. */
  rtt?: number | undefined;
  /** Packets lost of those sent to us over the last interval, audio and video, %. */
  lossIn?: number | undefined;
  /** Packets of ours the peer reports lost, %. */
  lossOut?: number | undefined;
  /** Jitter of the audio we receive, ms. */
  jitter?: number | undefined;
  /** Over the last interval, kbit/s. */
  bitrateIn?: number | undefined;
  bitrateOut?: number | undefined;
  /** The video we receive. */
  width?: number | undefined;
  height?: number | undefined;
  fps?: number | undefined;
  /** Why the browser sends us less video than asked, if it does: `bandwidth`, `cpu`, `other`. */
  limitedBy?: string | undefined;
}

/** [fair from, poor from] for each measure. */
const LIMITS: Record<QualityReason, [number, number]> = { rtt: [300, 600], loss: [3, 10], jitter: [30, 100] };

/** The verdict on a link's numbers: the worst of its measures, and every measure past "good". */
export function judge(s: Omit<LinkStats, 'quality' | 'reasons'>): Pick<LinkStats, 'quality' | 'reasons'> {
  const values: Record<QualityReason, number | undefined> = { rtt: s.rtt, loss: Math.max(s.lossIn ?? 0, s.lossOut ?? 0), jitter: s.jitter };
  let level = 0;
  const reasons: QualityReason[] = [];
  for (const reason of Object.keys(LIMITS) as QualityReason[]) {
    const v = values[reason];
    const [fair, poor] = LIMITS[reason];
    if (v === undefined || v < fair) continue;
    reasons.push(reason);
    level = Math.max(level, v >= poor ? 2 : 1);
  }
  return { quality: (['good', 'fair', 'poor'] as const)[level]!, reasons };
}

/** Counters kept from one read to the next (per link), for rates and losses over the interval. */
interface Counters {
  at: number;
  bytesIn: number;
  bytesOut: number;
  lost: number;
  received: number;
}

type Stat = Record<string, unknown> & { type: string; kind?: string };
const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);

/** Reads one connection's statistics into LinkStats (`previous`: the last read's counters). */
export async function readLinkStats(pc: RTCPeerConnection, previous: Counters | undefined): Promise<{ stats: LinkStats; counters: Counters }> {
  const report = await pc.getStats();
  const now: Counters = { at: performance.now(), bytesIn: 0, bytesOut: 0, lost: 0, received: 0 };
  const s: Omit<LinkStats, 'quality' | 'reasons'> = {};
  let fractionLost: number | undefined;
  report.forEach((x: Stat) => {
    if (x.type === 'inbound-rtp') {
      now.bytesIn += num(x['bytesReceived']) ?? 0;
      now.lost += Math.max(0, num(x['packetsLost']) ?? 0);
      now.received += num(x['packetsReceived']) ?? 0;
      if (x.kind === 'audio' && num(x['jitter']) !== undefined) s.jitter = Math.round(num(x['jitter'])! * 1000);
      if (x.kind === 'video' && num(x['frameWidth'])) {
        s.width = num(x['frameWidth']);
        s.height = num(x['frameHeight']);
        s.fps = num(x['framesPerSecond']);
      }
    }
    if (x.type === 'outbound-rtp') {
      now.bytesOut += num(x['bytesSent']) ?? 0;
      const limit = x['qualityLimitationReason'];
      if (x.kind === 'video' && typeof limit === 'string' && limit !== 'none') s.limitedBy = limit;
    }
    if (x.type === 'remote-inbound-rtp') fractionLost = Math.max(fractionLost ?? 0, num(x['fractionLost']) ?? 0);
  });
  const rtt = num(selectedPair(report)?.currentRoundTripTime);
  if (rtt !== undefined) s.rtt = Math.round(rtt * 1000);
  if (fractionLost !== undefined) s.lossOut = Math.round(fractionLost * 1000) / 10;
  // A rebuilt connection starts its counters again: no rates from the old one's.
  if (previous && now.bytesIn >= previous.bytesIn && now.received >= previous.received) {
    const seconds = (now.at - previous.at) / 1000;
    if (seconds > 0) {
      s.bitrateIn = Math.round(((now.bytesIn - previous.bytesIn) * 8) / seconds / 1000);
      s.bitrateOut = Math.round(((now.bytesOut - previous.bytesOut) * 8) / seconds / 1000);
    }
    const lost = now.lost - previous.lost;
    const expected = lost + now.received - previous.received;
    if (expected > 0) s.lossIn = Math.round((Math.max(0, lost) / expected) * 1000) / 10;
  }
  return { stats: { ...s, ...judge(s) }, counters: now };
}

/** What StatsWatch reads from the Call, and tells it. */
export interface StatsHost {
  connections(): Iterable<[id: string, pc: RTCPeerConnection]>;
  /** New statistics for every link. */
  changed(): void;
}

/** Every link's statistics, read every STATS_INTERVAL_MS while started. */
export class StatsWatch {
  #stats = new Map<string, LinkStats>();
  #counters = new Map<string, Counters>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #host: StatsHost;

  constructor(host: StatsHost) {
    this.#host = host;
  }

  stats(id: string): LinkStats | undefined {
    return this.#stats.get(id);
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.read(), STATS_INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stats.clear();
    this.#counters.clear();
  }

  /** One read of every link (the timer's). */
  async read(): Promise<void> {
    const links = [...this.#host.connections()];
    const ids = new Set(links.map(([id]) => id));
    await Promise.all(
      links.map(async ([id, pc]) => {
        if (pc.connectionState !== 'connected') return;
        const read = await readLinkStats(pc, this.#counters.get(id)).catch(() => undefined);
        if (!read || !this.#timer) return;
        this.#stats.set(id, read.stats);
        this.#counters.set(id, read.counters);
      }),
    );
    for (const id of this.#stats.keys()) if (!ids.has(id)) this.#stats.delete(id);
    if (this.#timer) this.#host.changed();
  }
}
