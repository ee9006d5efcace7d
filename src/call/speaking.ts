/**
 * Who is speaking: audio levels (0 … 1) read a few times a second, turned into
 * speaking / not speaking with a threshold and a hangover, so that a pause between two
 * words is not a change. Only changes are reported; nothing re-renders at the polling rate.
 *
 * Remote levels come from the RTP packets (PeerLink.audioLevel: no getStats, no Web Audio);
 * our own from a Web Audio analyser (MicrophoneLevel), muted or not, so that talking while
 * muted can be told apart. bench/audio-level.ts measures what each way costs with six peers.
 *
 * Loaded once the Call is in a room (./later.ts): a call connects without it.
 */
import { MicrophoneLevel } from '../media/microphone-level.js';

/** The voice of our microphone while it is muted (no peer id is empty). */
export const MUTED_VOICE = '';

/** What SpeakingWatch reads from the Call, and tells it. */
export interface SpeakingHost {
  /** The Web Audio context to analyse our microphone in (undefined: none, our level is 0). */
  audio(): AudioContext | undefined;
  /** Our id in the room (undefined: not in one). */
  selfId(): string | undefined;
  /** The microphone track we capture, and whether it is on (unmuted). */
  microphone(): { track: MediaStreamTrack | null; on: boolean };
  /** The connection to each peer (its receivers carry the peer's audio level). */
  connections(): ReadonlyMap<string, RTCPeerConnection>;
  /** A voice (a peer's id, ours, or MUTED_VOICE) started or stopped speaking. */
  changed(id: string, speaking: boolean): void;
}

/** How often the levels are read. */
export const SPEAKING_POLL_MS = 150;
/** A level at or above this is voice (≈ −28 dBov; room noise with a headset is far below). */
export const SPEAKING_LEVEL = 0.04;
/** Voice for this many reads in a row starts speaking (a click or a cough is shorter). */
const ONSET_READS = 2;
/** Quiet for this long ends it. */
const HANGOVER_MS = 800;

interface Voice {
  speaking: boolean;
  loud: number;
  lastLoud: number;
}

export class SpeakingDetector {
  #voices = new Map<string, Voice>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #levels: () => Iterable<[id: string, level: number]>;
  #changed: (id: string, speaking: boolean) => void;

  /**
   * @param levels every voice to follow and its level now (a voice left out is gone: if it
   *   was speaking, that ends)
   * @param changed a voice started or stopped speaking
   */
  constructor(levels: () => Iterable<[id: string, level: number]>, changed: (id: string, speaking: boolean) => void) {
    this.#levels = levels;
    this.#changed = changed;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), SPEAKING_POLL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const [id, v] of this.#voices) if (v.speaking) this.#changed(id, false);
    this.#voices.clear();
  }

  speaking(id: string): boolean {
    return !!this.#voices.get(id)?.speaking;
  }

  /** One read of every level (the timer's; tests may call it). */
  tick(now = Date.now()): void {
    const seen = new Set<string>();
    for (const [id, level] of this.#levels()) {
      seen.add(id);
      let v = this.#voices.get(id);
      if (!v) this.#voices.set(id, (v = { speaking: false, loud: 0, lastLoud: 0 }));
      if (level >= SPEAKING_LEVEL) {
        v.loud++;
        v.lastLoud = now;
        if (!v.speaking && v.loud >= ONSET_READS) this.#set(id, v, true);
      } else {
        v.loud = 0;
        if (v.speaking && now - v.lastLoud >= HANGOVER_MS) this.#set(id, v, false);
      }
    }
    for (const [id, v] of this.#voices) {
      if (seen.has(id)) continue;
      this.#voices.delete(id);
      if (v.speaking) this.#changed(id, false);
    }
  }

  #set(id: string, v: Voice, speaking: boolean) {
    v.speaking = speaking;
    this.#changed(id, speaking);
  }
}

/** Per connection, per audio source: the arrival time of its last packet at the last read. */
const heard = new WeakMap<RTCPeerConnection, Map<number, number>>();

/**
 * How loud a peer is now (0 silent … 1 full scale), from the audio level its RTP packets carry
 * (getSynchronizationSources: a read of what the receiver already has, no getStats). A source
 * whose packets stopped since the last read counts as silent.
 */
export function audioLevel(pc: RTCPeerConnection): number {
  let level = 0;
  const last = heard.get(pc) ?? new Map<number, number>();
  heard.set(pc, last);
  for (const r of pc.getReceivers()) {
    if (r.track.kind !== 'audio') continue;
    for (const source of r.getSynchronizationSources?.() ?? []) {
      if (source.timestamp !== last.get(source.source)) level = Math.max(level, source.audioLevel ?? 0);
      last.set(source.source, source.timestamp);
    }
  }
  return level;
}

/** The speaking detector of a Call, with the analyser of our own microphone. */
export class SpeakingWatch {
  #microphone = new MicrophoneLevel();
  #detector: SpeakingDetector;

  constructor(host: SpeakingHost) {
    const mic = this.#microphone;
    this.#detector = new SpeakingDetector(function* () {
      const self = host.selfId();
      if (self === undefined) return;
      const { track, on } = host.microphone();
      mic.listen(host.audio(), track);
      const level = mic.read();
      yield [self, on ? level : 0];
      yield [MUTED_VOICE, on ? 0 : level];
      for (const [id, pc] of host.connections()) yield [id, audioLevel(pc)];
    }, host.changed);
  }

  speaking(id: string): boolean {
    return this.#detector.speaking(id);
  }

  start(): void {
    this.#detector.start();
  }

  /** Stops (every voice that was speaking stops) and lets the microphone go. */
  stop(): void {
    this.#detector.stop();
    this.#microphone.listen(undefined, null);
  }
}
