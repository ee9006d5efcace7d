/**
 * Files between peers: an on-demand part of the Call (./later.ts), loaded when a file is
 * first sent or offered to us. The protocol (docs/protocol.md, "Files"):
 *
 *   sender                          (chat channel)                          receiver
 *   {t:'file', op:'offer', id, name, size, type}  ───────────────────────▶  shown, with Accept / Decline
 *                             ◀───────────────────────  {op:'accept', id}   (or 'decline', with why)
 *   data channel `file:<id>`: the bytes in chunks, then one text message {"sha256": hex}
 *                             ◀─────────────────  {op:'done', id} or {op:'failed', id, why}
 *   either side, at any time: {op:'cancel', id}
 *
 * The sender reads the file a block at a time and stops while the channel's buffer is full
 * (bufferedAmountLowThreshold), so a large file is never all in memory on its side except
 * for the hash, and neither page stalls. The receiver holds what comes as Blob parts,
 * enforces its own size limit on the offer and on the bytes (a peer may lie about the size),
 * checks the hash, and offers the result as bytes (application/octet-stream) under a safe
 * name: never opened, never rendered.
 *
 * Transfers are keyed by peer and wire id: a peer can only answer or cancel its own.
 */
import type { CallInternals } from './call-internals.js';
import type { Call } from './call.js';
import type { FileTransfer, FileTransferReason, FileTransferState } from './call-types.js';
import { FileEvent, LeftEvent, PeerLeftEvent } from '../events.js';
import type { FileEnvelope } from '../rtc/chat-wire.js';
import { takeNotice, type Bucket } from '../rtc/mesh.js';
import { safeFileName } from './file-name.js';

/** The receiving side's limit when the page sets none: 100 MiB. */
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;
/** Offers a peer may make at once, then one every OFFER_REFILL_MS; more are declined as `busy`. */
export const OFFER_BURST = 5;
export const OFFER_REFILL_MS = 2_000;
/** Offers from one peer waiting for an answer at once; more are declined as `busy`. */
export const MAX_WAITING_OFFERS = 10;
/** The largest data-channel message: 64 KiB, or less where the other side says so. */
const CHUNK = 64 * 1024;
/** Read from the file a block at a time. */
const BLOCK = 1024 * 1024;
/** Stop sending above this much buffered, go on below the low mark. */
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;
/** How long the receiver waits for the sender's channel after accepting. */
const CHANNEL_WAIT_MS = 30_000;
/** Progress is reported at most this often (each report re-renders a UI). */
const PROGRESS_MS = 200;
const LABEL = 'file:';

/** What the Call lends its files part (the rest it reads from the Call's public state). */
/** What the transfers need of the Call's internals. */
export type FileHost = Pick<CallInternals, 'send' | 'changed' | 'emit'>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry {
  /** What the page sees (live: the same object all along). */
  t: Mutable<FileTransfer>;
  /** The id on the wire (the sender's). */
  wire: string;
  file?: Blob | undefined;
  channel?: RTCDataChannel | undefined;
  parts?: ArrayBuffer[] | undefined;
  timer?: ReturnType<typeof setTimeout> | undefined;
  reported: number;
}

const FINAL: ReadonlySet<FileTransferState> = new Set(['done', 'declined', 'cancelled', 'failed']);
const DECLINE_REASONS: ReadonlySet<string> = new Set(['declined', 'too-large', 'busy']);
const FAIL_REASONS: ReadonlySet<string> = new Set(['integrity', 'size']);

const newId = (): string => crypto.randomUUID?.() ?? Math.random().toString(36).slice(2) + Date.now().toString(36);
const hex = (buf: ArrayBuffer): string => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
const digest = async (blob: Blob): Promise<string> => hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));

export class FileTransfers {
  #host: FileHost & { connection(peerId: string): RTCPeerConnection | undefined; peerName(peerId: string): string | undefined; maxSize(): number };
  #entries = new Map<string, Entry>();
  /** Each peer's offers' bucket (see OFFER_BURST). */
  #offers = new Map<string, Bucket>();
  /** One hash per file, however many peers it goes to. */
  #hashes = new WeakMap<Blob, Promise<string>>();
  /** The connections we listen on for transfers' channels. */
  #listening = new WeakSet<RTCPeerConnection>();

  /** @param call the Call: its peers, connections and `maxFileSize`; its peer-left and left events end transfers */
  constructor(call: Call, host: FileHost) {
    this.#host = {
      ...host,
      connection: (id) => call.connections.get(id),
      peerName: (id) => call.peers.find((p) => p.id === id)?.name,
      maxSize: () => call.options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    };
    call.addEventListener(PeerLeftEvent.type, (e) => {
      for (const entry of this.#entries.values()) if (entry.t.peerId === (e as PeerLeftEvent).peer.id) this.#end(entry, 'failed', 'left');
    });
    call.addEventListener(LeftEvent.type, () => this.close());
  }

  /** Every transfer this call, oldest first (until dismissed, or the call is left). */
  get list(): FileTransfer[] {
    return [...this.#entries.values()].map((e) => e.t);
  }

  /** Offers `file` to each of `peerIds`: one transfer each. */
  offer(file: File, peerIds: readonly string[]): FileTransfer[] {
    const made: FileTransfer[] = [];
    for (const peerId of peerIds) {
      const name = this.#host.peerName(peerId);
      if (name === undefined) continue;
      const wire = newId();
      const entry = this.#add(wire, { direction: 'send', peerId, peerName: name, name: file.name, size: file.size, type: file.type });
      entry.file = file;
      if (typeof crypto.subtle?.digest !== 'function') this.#end(entry, 'failed', 'unsupported');
      else if (!this.#host.send(peerId, { t: 'file', op: 'offer', id: wire, name: file.name, size: file.size, type: file.type })) this.#end(entry, 'failed', 'connection');
      else this.#event(entry);
      made.push(entry.t);
    }
    this.#host.changed();
    return made;
  }

  accept(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || entry.t.direction !== 'receive' || entry.t.state !== 'offered') return;
    const pc = this.#host.connection(entry.t.peerId);
    if (!pc || !this.#host.send(entry.t.peerId, { t: 'file', op: 'accept', id: entry.wire })) return this.#end(entry, 'failed', 'connection');
    this.#listen(pc, entry.t.peerId);
    entry.parts = [];
    entry.timer = setTimeout(() => !entry.channel && this.#end(entry, 'failed', 'connection'), CHANNEL_WAIT_MS);
    this.#set(entry, 'transferring');
  }

  decline(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || entry.t.direction !== 'receive' || entry.t.state !== 'offered') return;
    this.#host.send(entry.t.peerId, { t: 'file', op: 'decline', id: entry.wire, why: 'declined' });
    this.#end(entry, 'declined', 'declined');
  }

  /** Stops a transfer that has not ended, on both sides. */
  cancel(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || FINAL.has(entry.t.state)) return;
    this.#host.send(entry.t.peerId, { t: 'file', op: 'cancel', id: entry.wire });
    this.#end(entry, 'cancelled', 'cancelled');
  }

  /** Takes an ended transfer off the list (and frees a received file's bytes). */
  dismiss(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || !FINAL.has(entry.t.state)) return;
    if (entry.t.url) URL.revokeObjectURL(entry.t.url);
    this.#entries.delete(id);
    this.#host.changed();
  }

  /** A file message from a peer. Anything that does not fit is dropped. */
  receive(peerId: string, e: FileEnvelope): void {
    if (e.id.length > 64) return;
    if (e.op === 'offer') return this.#offered(peerId, e);
    const entry = this.#find(peerId, e.id);
    if (!entry || FINAL.has(entry.t.state)) return;
    const sending = entry.t.direction === 'send';
    if (e.op === 'cancel') this.#end(entry, 'cancelled', 'peer-cancelled');
    else if (!sending) return;
    else if (e.op === 'accept' && entry.t.state === 'offered') this.#send(entry);
    else if (e.op === 'decline' && entry.t.state === 'offered') this.#end(entry, 'declined', DECLINE_REASONS.has(e['why'] as string) ? (e['why'] as FileTransferReason) : 'declined');
    else if (e.op === 'done' && entry.t.state === 'verifying') this.#end(entry, 'done');
    else if (e.op === 'failed' && entry.t.state !== 'offered') this.#end(entry, 'failed', FAIL_REASONS.has(e['why'] as string) ? (e['why'] as FileTransferReason) : 'integrity');
  }

  /** Leaving the call: what is under way is cancelled, every file let go. */
  close(): void {
    for (const entry of this.#entries.values()) {
      if (!FINAL.has(entry.t.state)) {
        this.#host.send(entry.t.peerId, { t: 'file', op: 'cancel', id: entry.wire });
        this.#end(entry, 'cancelled', 'cancelled');
      }
      if (entry.t.url) URL.revokeObjectURL(entry.t.url);
    }
    this.#entries.clear();
    this.#host.changed();
  }

  // ------------------------------------------------------------ receiving

  #offered(peerId: string, e: FileEnvelope) {
    const { name, size, type } = e;
    const peerName = this.#host.peerName(peerId);
    if (peerName === undefined || typeof name !== 'string' || name.length > 1024 || !Number.isSafeInteger(size) || (size as number) < 0) return;
    if (this.#find(peerId, e.id)) return;
    const bucket = this.#offers.get(peerId) ?? { tokens: OFFER_BURST, at: Date.now() };
    this.#offers.set(peerId, bucket);
    const waiting = [...this.#entries.values()].filter((x) => x.t.peerId === peerId && x.t.direction === 'receive' && x.t.state === 'offered').length;
    // A flood gets one answer per offer, and nothing on the page.
    if (!takeNotice(bucket, OFFER_BURST, OFFER_REFILL_MS) || waiting >= MAX_WAITING_OFFERS) {
      this.#host.send(peerId, { t: 'file', op: 'decline', id: e.id, why: 'busy' });
      return;
    }
    const entry = this.#add(e.id, {
      direction: 'receive',
      peerId,
      peerName,
      name: safeFileName(name),
      size: size as number,
      type: typeof type === 'string' ? type.slice(0, 100) : '',
    });
    if ((size as number) > this.#host.maxSize()) {
      this.#host.send(peerId, { t: 'file', op: 'decline', id: e.id, why: 'too-large' });
      this.#end(entry, 'declined', 'too-large');
    } else {
      this.#event(entry);
    }
    this.#host.changed();
  }

  /** Routes the transfers' channels a peer opens on `pc` to their transfers; any other is closed. */
  #listen(pc: RTCPeerConnection, peerId: string) {
    if (this.#listening.has(pc)) return;
    this.#listening.add(pc);
    pc.addEventListener('datachannel', ({ channel }) => {
      if (!channel.label.startsWith(LABEL)) return;
      const entry = this.#find(peerId, channel.label.slice(LABEL.length));
      if (!entry || entry.t.direction !== 'receive' || entry.t.state !== 'transferring' || entry.channel) return channel.close();
      clearTimeout(entry.timer);
      entry.channel = channel;
      channel.binaryType = 'arraybuffer';
      channel.onmessage = ({ data }) => this.#chunk(entry, data as ArrayBuffer | string);
      channel.onclose = () => this.#end(entry, 'failed', 'connection');
    });
  }

  #chunk(entry: Entry, data: ArrayBuffer | string) {
    if (entry.t.state !== 'transferring') return;
    if (typeof data === 'string') return void this.#verify(entry, data);
    entry.t.bytes += data.byteLength;
    // More than offered is a lie or a fault; either way it stops here, whatever the sender does next.
    if (entry.t.bytes > entry.t.size) {
      this.#host.send(entry.t.peerId, { t: 'file', op: 'failed', id: entry.wire, why: 'size' });
      return this.#end(entry, 'failed', 'size');
    }
    entry.parts!.push(data);
    this.#progress(entry);
  }

  async #verify(entry: Entry, text: string) {
    let sha: unknown;
    try {
      sha = (JSON.parse(text) as { sha256?: unknown }).sha256;
    } catch {
      /* below */
    }
    const blob = new Blob(entry.parts, { type: 'application/octet-stream' });
    entry.parts = undefined;
    const fail = (why: 'size' | 'integrity') => {
      this.#host.send(entry.t.peerId, { t: 'file', op: 'failed', id: entry.wire, why });
      this.#end(entry, 'failed', why);
    };
    if (entry.t.bytes !== entry.t.size) return fail('size');
    this.#set(entry, 'verifying');
    const ok = typeof sha === 'string' && (await digest(blob)) === sha;
    if (entry.t.state !== 'verifying') return;
    if (!ok) return fail('integrity');
    entry.t.blob = blob;
    entry.t.url = URL.createObjectURL(blob);
    this.#host.send(entry.t.peerId, { t: 'file', op: 'done', id: entry.wire });
    this.#end(entry, 'done');
  }

  // ------------------------------------------------------------ sending

  async #send(entry: Entry) {
    const pc = this.#host.connection(entry.t.peerId);
    const file = entry.file!;
    if (!pc) return this.#end(entry, 'failed', 'connection');
    let hash = this.#hashes.get(file);
    if (!hash) this.#hashes.set(file, (hash = digest(file)));
    const channel = (entry.channel = pc.createDataChannel(LABEL + entry.wire, { ordered: true }));
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER;
    this.#set(entry, 'transferring');
    try {
      await new Promise<void>((resolve, reject) => {
        channel.onopen = () => resolve();
        channel.onclose = () => reject(new Error('closed'));
      });
      channel.onclose = () => this.#end(entry, 'failed', 'connection');
      const chunk = Math.min(CHUNK, pc.sctp?.maxMessageSize || CHUNK);
      for (let at = 0; at < file.size; ) {
        if (channel.bufferedAmount > HIGH_WATER) {
          await new Promise((resolve) => {
            channel.onbufferedamountlow = resolve;
            channel.addEventListener('close', resolve, { once: true });
          });
        }
        if (entry.t.state !== 'transferring') return;
        const block = new Uint8Array(await file.slice(at, at + BLOCK).arrayBuffer());
        if (entry.t.state !== 'transferring') return;
        for (let i = 0; i < block.length; i += chunk) channel.send(block.subarray(i, i + chunk));
        at += block.length;
        entry.t.bytes = at;
        this.#progress(entry);
      }
      const sha256 = await hash;
      if (entry.t.state !== 'transferring') return;
      channel.send(JSON.stringify({ sha256 }));
      // The receiver closes the channel once it has it all; its verdict comes on the chat channel.
      channel.onclose = null;
      this.#set(entry, 'verifying');
    } catch {
      if (entry.t.state === 'transferring') this.#end(entry, 'failed', 'connection');
    }
  }

  // ------------------------------------------------------------ the list

  #add(wire: string, t: Pick<FileTransfer, 'direction' | 'peerId' | 'peerName' | 'name' | 'size' | 'type'>): Entry {
    const id = newId();
    const entry: Entry = {
      t: {
        ...t,
        id,
        state: 'offered',
        bytes: 0,
        accept: () => this.accept(id),
        decline: () => this.decline(id),
        cancel: () => this.cancel(id),
        dismiss: () => this.dismiss(id),
      },
      wire,
      reported: 0,
    };
    this.#entries.set(entry.t.id, entry);
    return entry;
  }

  #find(peerId: string, wire: string): Entry | undefined {
    for (const entry of this.#entries.values()) if (entry.wire === wire && entry.t.peerId === peerId) return entry;
    return undefined;
  }

  #set(entry: Entry, state: FileTransferState) {
    entry.t.state = state;
    this.#event(entry);
    this.#host.changed();
  }

  #end(entry: Entry, state: 'done' | 'declined' | 'cancelled' | 'failed', reason?: FileTransferReason) {
    if (FINAL.has(entry.t.state)) return;
    clearTimeout(entry.timer);
    const channel = entry.channel;
    if (channel) {
      channel.onclose = channel.onmessage = channel.onopen = channel.onbufferedamountlow = null;
      // The sender lets the receiver close after the last byte; anything else stops now.
      if (state !== 'done' || entry.t.direction === 'receive') channel.close();
    }
    entry.channel = entry.parts = entry.file = undefined;
    entry.t.reason = reason;
    this.#set(entry, state);
  }

  #progress(entry: Entry) {
    const now = Date.now();
    if (now - entry.reported < PROGRESS_MS) return;
    entry.reported = now;
    this.#host.changed();
  }

  #event(entry: Entry) {
    // A snapshot: the event says what happened then (the list's objects are live).
    this.#host.emit(new FileEvent({ ...entry.t }));
  }
}
