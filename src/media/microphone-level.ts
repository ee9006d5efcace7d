/**
 * How loud our own microphone is, muted or not: the "you are muted" hint needs to hear the
 * user while nothing is sent. A Web Audio analyser on a clone of the microphone track
 * (muting disables the original, which then delivers silence; the clone keeps listening).
 * Nothing is played back. The AudioContext is the Call's (made in a user gesture, which
 * browsers want before they run one).
 */
export class MicrophoneLevel {
  #context: AudioContext | undefined;
  #analyser: AnalyserNode | undefined;
  #source: MediaStreamAudioSourceNode | undefined;
  #clone: MediaStreamTrack | undefined;
  #samples = new Float32Array(512);
  #track: MediaStreamTrack | null = null;

  /** Listens to `track` in `context` (no context or no track: to nothing, and releases the clone). */
  listen(context: AudioContext | undefined, track: MediaStreamTrack | null): void {
    if (track === this.#track && context === this.#context) return;
    this.#track = track;
    this.#source?.disconnect();
    this.#clone?.stop();
    this.#source = this.#clone = undefined;
    if (context !== this.#context) this.#analyser = undefined;
    this.#context = context;
    if (!track || !context) return;
    try {
      this.#analyser ??= Object.assign(context.createAnalyser(), { fftSize: this.#samples.length });
      this.#clone = track.clone();
      this.#clone.enabled = true;
      this.#source = context.createMediaStreamSource(new MediaStream([this.#clone]));
      this.#source.connect(this.#analyser);
    } catch {
      // No Web Audio for this track (a closed context): level 0.
      this.#clone?.stop();
      this.#source = this.#clone = undefined;
    }
  }

  /** The level now: the RMS of the last 512 samples (0 … 1, the scale of RTP's audio level). */
  read(): number {
    if (!this.#source || !this.#analyser) return 0;
    this.#analyser.getFloatTimeDomainData(this.#samples);
    let sum = 0;
    for (const x of this.#samples) sum += x * x;
    return Math.sqrt(sum / this.#samples.length);
  }
}
