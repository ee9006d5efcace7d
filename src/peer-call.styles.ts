import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    contain: content;
    --_bg: var(--peer-call-background, #111318);
    --_surface: var(--peer-call-surface, #1f232c);
    --_raised: var(--peer-call-raised, #2c313c);
    --_muted: var(--peer-call-muted-color, #a8afbd);
    --_accent: var(--peer-call-accent, #3d68f0);
    --_accent-fg: var(--peer-call-accent-color, #ffffff);
    --_danger: var(--peer-call-danger, #d13438);
    --_danger-text: var(--peer-call-danger-text, #ff6369);
    --_ok: var(--peer-call-success, #30a46c);
    --_warn: var(--peer-call-warning, #f5a524);
    --_radius: var(--peer-call-radius, 12px);
    --_gap: var(--peer-call-gap, 8px);
    --_focus: var(--peer-call-focus-ring, #9db5ff);
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  button,
  input {
    font: inherit;
    color: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  .base {
    /* Inherited page styles (fonts, colours, spacing, alignment...) stop here:
       page rules can reach the host element, never this one. */
    all: initial;
    box-sizing: border-box;
    color-scheme: dark;
    font-family: var(--peer-call-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: 14px;
    line-height: 1.4;
    color: var(--peer-call-color, #eef0f4);
    container-type: inline-size;
    position: relative;
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: var(--peer-call-min-height, 360px);
    background: var(--_bg);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .main {
    flex: 1;
    display: flex;
    min-height: 0;
  }
  .stage {
    flex: 1;
    min-width: 0;
    display: flex;
    padding: var(--_gap);
    position: relative;
  }

  /* ---- banners */
  .banner {
    margin: var(--_gap) var(--_gap) 0;
    padding: 6px 12px;
    border-radius: calc(var(--_radius) / 1.5);
    background: var(--_raised);
    color: var(--_muted);
    font-size: 13px;
  }
  .banner.warn {
    color: var(--_warn);
  }

  /* ---- panels: prejoin, errors, left */
  .panel {
    margin: auto;
    width: min(100%, 440px);
    display: flex;
    flex-direction: column;
    gap: 12px;
    align-items: stretch;
    text-align: center;
  }
  .panel h2 {
    margin: 0;
    font-size: 18px;
    font-weight: 600;
  }
  .panel p {
    margin: 0;
    color: var(--_muted);
  }
  .preview {
    position: relative;
    aspect-ratio: 16 / 9;
    border-radius: var(--_radius);
    background: var(--_surface);
    overflow: hidden;
  }
  .row {
    display: flex;
    gap: var(--_gap);
    justify-content: center;
    flex-wrap: wrap;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 4px;
    text-align: start;
  }
  .field label {
    font-size: 12px;
    color: var(--_muted);
  }
  input[type='text'] {
    width: 100%;
    padding: 10px 12px;
    border: 1px solid var(--_raised);
    border-radius: calc(var(--_radius) / 1.5);
    background: var(--_surface);
  }
  .primary,
  .secondary {
    padding: 10px 18px;
    border: 0;
    border-radius: 999px;
    cursor: pointer;
    font-weight: 600;
  }
  .primary {
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  .secondary {
    background: var(--_raised);
  }
  .primary:disabled {
    opacity: 0.6;
    cursor: progress;
  }
  .error-icon {
    color: var(--_danger);
    width: 40px;
    height: 40px;
    margin: 0 auto;
  }

  /* ---- grid of tiles */
  .grid {
    flex: 1;
    display: grid;
    gap: var(--_gap);
    grid-template-columns: repeat(var(--cols, 1), minmax(0, 1fr));
    grid-auto-rows: minmax(0, 1fr);
    min-height: 0;
  }
  .grid[data-count='2'] {
    --cols: 2;
  }
  .grid[data-count='3'],
  .grid[data-count='4'] {
    --cols: 2;
  }
  .grid[data-count='5'],
  .grid[data-count='6'],
  .grid[data-count='7'] {
    --cols: 3;
  }
  @container (max-width: 560px) {
    .grid[data-count='2'] {
      --cols: 1;
    }
    .grid[data-count='5'],
    .grid[data-count='6'],
    .grid[data-count='7'] {
      --cols: 2;
    }
  }
  .tile {
    position: relative;
    margin: 0;
    min-height: 0;
    min-width: 0;
    border-radius: var(--_radius);
    background: var(--_surface);
    overflow: hidden;
    display: flex;
  }
  video {
    width: 100%;
    height: 100%;
    object-fit: cover;
    background: var(--_surface);
    display: block;
  }
  /* Speaking: a ring inside the tile (no motion; drawn in forced colours as the tile's outline). */
  .tile[data-speaking] {
    outline: 3px solid var(--_ok);
    outline-offset: -3px;
  }
  .tile video[data-screen] {
    object-fit: contain;
  }
  .mirror {
    transform: scaleX(-1);
  }
  .avatar {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    pointer-events: none;
  }
  .avatar span {
    width: 64px;
    height: 64px;
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--_raised);
    font-size: 26px;
    font-weight: 600;
  }
  .label {
    position: absolute;
    inset-inline-start: 8px;
    inset-block-end: 8px;
    max-width: calc(100% - 16px);
    display: flex;
    align-items: center;
    gap: 6px;
    padding: 3px 8px;
    border-radius: 999px;
    /* Nearly opaque: white text keeps 12:1 over any video, a white one too. */
    background: rgb(0 0 0 / 0.8);
    font-size: 12px;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .label svg {
    width: 14px;
    height: 14px;
    flex: none;
  }
  .status {
    font-size: 11px;
    color: var(--_muted);
  }
  .tile[data-state='connected'] .status {
    display: none;
  }
  .tile[data-state='reconnecting'] .status,
  .tile[data-state='connecting'] .status {
    color: var(--_warn);
  }
  .tile[data-state='failed'] .status {
    color: var(--_danger-text);
  }
  .empty {
    display: grid;
    place-items: center;
    text-align: center;
    color: var(--_muted);
    border: 1px dashed var(--_raised);
    background: transparent;
  }

  /* ---- controls */
  .controls {
    display: flex;
    align-items: center;
    justify-content: center;
    gap: var(--_gap);
    padding: var(--_gap);
    flex-wrap: wrap;
  }
  .control {
    position: relative;
    width: 44px;
    height: 44px;
    display: grid;
    place-items: center;
    border: 0;
    border-radius: 50%;
    background: var(--_raised);
    cursor: pointer;
  }
  .control svg {
    width: 22px;
    height: 22px;
  }
  .control[aria-pressed='false'].device {
    background: var(--_danger);
  }
  .control[aria-pressed='true'].toggle {
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  .control.leave {
    width: 56px;
    border-radius: 999px;
    background: var(--_danger);
  }
  .control:disabled {
    opacity: 0.45;
    cursor: not-allowed;
  }

  @media (prefers-reduced-motion: no-preference) {
    .control,
    .primary,
    .secondary {
      transition: background-color 120ms ease, transform 120ms ease;
    }
    .control:active {
      transform: scale(0.94);
    }
  }
`;
