/**
 * Where focus goes when a panel opens or closes (issue 16: "focus moves sensibly"): into the
 * panel when it opens, back to the button that opened it when it closes. After the element
 * has rendered the change, from any node of its shadow root.
 */
import type { ReactiveElement } from 'lit';

export function focusAfterRender(from: Event | Node, selector: string): void {
  const root = ((from instanceof Event ? from.composedPath()[0] : from) as Node).getRootNode() as ShadowRoot;
  void (root.host as ReactiveElement).updateComplete.then(() => root.querySelector<HTMLElement>(selector)?.focus());
}
