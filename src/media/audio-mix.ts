/**
 * A shared screen's sound (tab or system audio, where the browser offers it) together with
 * the microphone, as one track for the call's one audio sender: the links need no new
 * transceiver and no renegotiation, and every peer hears both. Muting the microphone mutes
 * only it (its disabled track gives the mix silence); the screen's sound goes on until the
 * sharing stops. Part of the Call's in-room part; the AudioContext is the Call's.
 */
export class AudioMix {
  /** What the audio sender sends while the screen's sound is mixed in. */
  readonly track: MediaStreamTrack;
  #destination: MediaStreamAudioDestinationNode;
  #screen: MediaStreamAudioSourceNode;
  #microphone: MediaStreamAudioSourceNode | undefined;
  #micTrack: MediaStreamTrack | null = null;
  #context: AudioContext;

  constructor(context: AudioContext, screen: MediaStreamTrack) {
    this.#context = context;
    this.#destination = context.createMediaStreamDestination();
    this.#screen = context.createMediaStreamSource(new MediaStream([screen]));
    this.#screen.connect(this.#destination);
    this.track = this.#destination.stream.getAudioTracks()[0]!;
  }

  /** The microphone in the mix now (none: the screen alone). */
  microphone(track: MediaStreamTrack | null): void {
    if (track === this.#micTrack) return;
    this.#micTrack = track;
    this.#microphone?.disconnect();
    this.#microphone = track ? this.#context.createMediaStreamSource(new MediaStream([track])) : undefined;
    this.#microphone?.connect(this.#destination);
  }

  close(): void {
    this.#microphone?.disconnect();
    this.#screen.disconnect();
    this.track.stop();
  }
}
