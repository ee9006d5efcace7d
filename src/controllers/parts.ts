/**
 * The element's on-demand parts (src/parts/registry.ts): a view asks for one while it
 * renders; the first ask starts loading it and the element renders again once it is there,
 * with the part's styles added to its shadow root. A part that could not be loaded is
 * reported (the view shows why, with a retry) and loaded again on the next ask.
 */
import { adoptStyles, supportsAdoptingStyleSheets, type CSSResult, type CSSResultOrNative, type ReactiveController, type ReactiveElement } from 'lit';
import { parts, type Part, type PartName } from '../parts/registry.js';

export class PartsController implements ReactiveController {
  #host: ReactiveElement;
  #loaded = new Map<PartName, unknown>();
  #failed = new Map<PartName, Error>();
  #loading = new Map<PartName, Promise<void>>();
  /** The loaded parts' styles, in the order they came. */
  #styles: CSSResultOrNative[] = [];

  constructor(host: ReactiveElement) {
    this.#host = host;
    host.addController(this);
  }

  /** The part if it is loaded; else undefined, and it is on its way. */
  get<N extends PartName>(name: N): Part<N> | undefined {
    const part = this.#loaded.get(name) as Part<N> | undefined;
    if (!part && !this.#failed.has(name)) this.load(name);
    return part;
  }

  /** Why the part could not be loaded, if it could not (cleared by retry). */
  failed(name: PartName): Error | undefined {
    return this.#failed.get(name);
  }

  retry(name: PartName): void {
    this.#failed.delete(name);
    this.load(name);
  }

  /**
   * Starts loading a part (once), e.g. when the page has time. A `background` load that
   * fails is forgotten: the first view to ask for the part tries again.
   */
  load(name: PartName, background = false): void {
    if (this.#loaded.has(name) || this.#loading.has(name)) return;
    const loading = parts[name]().then(
      (part) => {
        const styles = [(part as { styles?: CSSResult | CSSResult[] }).styles ?? []].flat();
        const root = this.#host.renderRoot;
        if (styles.length && root instanceof ShadowRoot) {
          this.#styles.push(...styles);
          // With constructable sheets adoptStyles sets the whole list; without, it appends
          // <style> elements, so only the new ones.
          const base = (this.#host.constructor as typeof ReactiveElement).elementStyles;
          adoptStyles(root, supportsAdoptingStyleSheets ? [...base, ...this.#styles] : styles);
        }
        this.#loaded.set(name, part);
        this.#failed.delete(name);
      },
      (err: unknown) => void (background || this.#failed.set(name, err instanceof Error ? err : new Error(String(err)))),
    );
    this.#loading.set(name, loading);
    void loading.finally(() => {
      this.#loading.delete(name);
      this.#host.requestUpdate();
    });
  }

  /** Settles when no part is loading any more (the element's updateComplete waits for it). */
  get pending(): Promise<void> | undefined {
    return this.#loading.size ? Promise.all(this.#loading.values()).then(() => {}) : undefined;
  }

  hostConnected(): void {}
}
