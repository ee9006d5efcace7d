import { svg, type SVGTemplateResult } from 'lit';

// 24x24 paths after Material Symbols (Apache-2.0).
const P = {
  mic: 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3Zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2Z',
  micOff: 'M19 11h-2a5 5 0 0 1-.7 2.54l1.46 1.46A6.96 6.96 0 0 0 19 11ZM15 11V5a3 3 0 0 0-5.94-.6L15 10.34V11ZM4.27 3 3 4.27l6 6V11a3 3 0 0 0 4.5 2.6l1.66 1.66A5 5 0 0 1 7 11H5a7 7 0 0 0 6 6.92V21h2v-3.08a6.9 6.9 0 0 0 3.3-1.3L19.73 21 21 19.73 4.27 3Z',
  cam: 'M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11l-4 4Z',
  camOff: 'M21 6.5l-4 4V7a1 1 0 0 0-1-1H9.82L21 17.18V6.5ZM3.27 2 2 3.27 4.73 6H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12c.21 0 .39-.08.55-.18L19.73 21 21 19.73 3.27 2Z',
  alert: 'M1 21h22L12 2 1 21Zm12-3h-2v-2h2v2Zm0-4h-2v-4h2v4Z',
};

export type IconName = keyof typeof P;

/** A decorative icon drawn from a path: the control around it carries the accessible name. */
export const drawIcon = (path: string, cls = ''): SVGTemplateResult =>
  svg`<svg class=${cls} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false"><path d=${path}></path></svg>`;

/** The icons of the first load (the preview, the tiles, the error panels); the in-call part has its own (src/parts/in-call-icons.ts). */
export const icon = (name: IconName, cls?: string): SVGTemplateResult => drawIcon(P[name], cls);
