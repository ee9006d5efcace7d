/**
 * The element's side of the local media: the device picker's open state, and
 * what to capture — the `media` attribute, or the choice the user made on the
 * media-error panel ("Use microphone only", "Join without camera or
 * microphone"), which stands until the element starts over.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { parseMedia, type MediaChoice } from '../call/call-types.js';

export class MediaChoiceController implements ReactiveController {
  devicesOpen = false;
  #override: MediaChoice | undefined;
  #host: ReactiveControllerHost & { media: string };

  constructor(host: ReactiveControllerHost & { media: string }) {
    this.#host = host;
    host.addController(this);
  }

  /** What to capture now. */
  get wanted(): MediaChoice {
    return this.#override ?? parseMedia(this.#host.media);
  }

  /** The user chose to go on with less (or undefined: as the attribute says). */
  choose(choice: MediaChoice | undefined): void {
    this.#override = choice;
  }

  toggleDevices = (): void => {
    this.devicesOpen = !this.devicesOpen;
    this.#host.requestUpdate();
  };

  hostConnected(): void {}
}
