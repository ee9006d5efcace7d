/**
 * The element's Call, as a Lit reactive controller in the shape of Lit's Task:
 * `status` (the call state), `value` (the Call) and `error`, and one render per
 * change — at once for the user's own actions, at the next frame for what the
 * network brings (RenderBatchController). The Call relays its typed events to
 * the host, so the element fires exactly the Call's events.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Call } from '../call/call.js';
import type { CallOptions, CallState } from '../call/call-types.js';
import type { PeerCallErrorInfo } from '../errors.js';
import { CallUpdateEvent } from '../events.js';
import type { RenderBatchController } from './render-batch.js';

export class CallController implements ReactiveController {
  readonly value: Call;

  constructor(host: ReactiveControllerHost & EventTarget, options: CallOptions, batch: RenderBatchController) {
    this.value = new Call(options, host);
    this.value.addEventListener(CallUpdateEvent.type, (e) => {
      if ((e as CallUpdateEvent).network) batch.soon();
      else host.requestUpdate();
    });
    host.addController(this);
  }

  get status(): CallState {
    return this.value.state;
  }

  get error(): PeerCallErrorInfo | undefined {
    return this.value.error;
  }

  hostConnected(): void {}
}
