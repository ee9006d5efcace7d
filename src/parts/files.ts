/**
 * Files in the chat panel: the "send a file" button (to everyone; each remote tile has one
 * for that person), and the list of transfers with their progress and what can be done with
 * each — accept or decline an offer, cancel one under way, save a received file, take an
 * ended one off the list. A received file is only ever a download link (bytes, under a safe
 * name): never opened or shown.
 */
import { css, html, nothing } from 'lit';
import type { FileTransfer } from '../call/call-types.js';
import { language, t, type StringKey } from '../strings.js';
import type { ViewState } from '../views/view-context.js';
import { icon } from './in-call-icons.js';

/** Bytes in the largest unit that keeps them above 1, in the page's locale: "2.4 MB". */
export function fileSize(bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'];
  let i = 0;
  while (bytes >= 1000 && i < units.length - 1) (bytes /= 1000), i++;
  return new Intl.NumberFormat(language(), { style: 'unit', unit: units[i]!, unitDisplay: 'short', maximumFractionDigits: 1 }).format(bytes);
}

/**
 * A button that opens the file chooser, and the chooser's input (the tests set its files):
 * each chosen file goes to `to`, or to everyone.
 */
export function sendFileButton(s: ViewState, to?: { id: string; name: string }) {
  const label = to ? t('files.sendTo', { name: to.name }) : t('files.send');
  return html`<button part=${to ? 'tile-action file-send' : 'file-send'} class=${to ? nothing : 'attach'} type="button" aria-label=${label} title=${label}
      @click=${(e: Event) => ((e.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click()}>${icon('attach')}</button
    ><input part="file-input" type="file" hidden ?multiple=${!to} data-to=${to?.id ?? ''}
      @change=${(e: Event) => {
        const input = e.target as HTMLInputElement;
        for (const file of input.files ?? []) void s.call.sendFile(file, to?.id);
        input.value = '';
      }} />`;
}

/** What a transfer's line says about where it is. */
function status(f: FileTransfer): string {
  const name = f.peerName;
  const sending = f.direction === 'send';
  switch (f.state) {
    case 'offered':
      return t(sending ? 'files.waiting' : 'files.offered', { name });
    case 'transferring':
      return t(sending ? 'files.sending' : 'files.receiving', { name });
    case 'verifying':
      return t('files.verifying');
    case 'done':
      return t(sending ? 'files.sent' : 'files.received', { name });
    default:
      // Declined here (by us, or by our limit) reads differently from declined there.
      if (!sending && f.reason === 'declined') return t('files.declinedHere');
      if (!sending && f.reason === 'too-large') return t('files.tooLargeHere');
      return t(`files.${f.reason ?? 'failed'}` as StringKey, { name });
  }
}

export function fileList(s: ViewState) {
  const files = s.call.files;
  if (!files.length) return nothing;
  return html`<ul part="files" class="files" aria-label=${t('files.title')}>
    ${files.map((f) => {
      const ended = f.state === 'done' || f.state === 'declined' || f.state === 'cancelled' || f.state === 'failed';
      return html`<li part="file" class="file" data-state=${f.state} data-direction=${f.direction}>
        <div class="file-head">
          <span class="file-name" title=${f.name}>${f.name}</span>
          <span class="file-size">${fileSize(f.size)}</span>
        </div>
        <div part="file-status" class="file-status" role=${f.state === 'failed' ? 'alert' : nothing}>${status(f)}</div>
        ${f.state === 'transferring'
          ? html`<progress part="file-progress" max=${f.size || 1} .value=${f.bytes} aria-label=${t('files.progress', { file: f.name })}></progress>`
          : nothing}
        <div class="file-actions">
          ${f.state === 'offered' && f.direction === 'receive'
            ? html`<button part="file-accept" class="primary" @click=${f.accept}>${t('files.accept')}</button>
                <button part="file-decline" class="secondary" @click=${f.decline}>${t('files.decline')}</button>`
            : nothing}
          ${!ended && !(f.state === 'offered' && f.direction === 'receive')
            ? html`<button part="file-cancel" class="secondary" @click=${f.cancel}>${t('files.cancel')}</button>`
            : nothing}
          ${f.url
            ? html`<a part="file-download" class="button primary" href=${f.url} download=${f.name} rel="noopener">${t('files.download')}</a>`
            : nothing}
          ${ended
            ? html`<button part="file-dismiss" class="secondary" aria-label=${t('files.dismiss', { file: f.name })} title=${t('files.dismiss', { file: f.name })}
                @click=${f.dismiss}>${icon('close')}</button>`
            : nothing}
        </div>
      </li>`;
    })}
  </ul>`;
}

export const styles = css`
  .files {
    list-style: none;
    margin: 0;
    padding: 0 12px 8px;
    display: flex;
    flex-direction: column;
    gap: 6px;
    max-block-size: 40%;
    overflow-y: auto;
    flex: none;
  }
  .file {
    padding: 8px;
    border-radius: 8px;
    background: var(--_surface);
    font-size: 13px;
  }
  .file-head {
    display: flex;
    gap: 8px;
    justify-content: space-between;
  }
  .file-name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .file-size,
  .file-status {
    color: var(--_muted);
    flex: none;
  }
  .file[data-state='failed'] .file-status {
    color: var(--_danger-text);
  }
  .file progress {
    inline-size: 100%;
  }
  .file-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-block-start: 4px;
  }
  .file-actions :is(button, a) {
    padding: 4px 10px;
    font-size: 12px;
  }
  .file-actions a {
    text-decoration: none;
    border-radius: 8px;
  }
  .file-actions svg {
    inline-size: 14px;
    block-size: 14px;
  }
  .attach {
    display: grid;
    place-items: center;
    padding: 0 8px;
    border: 0;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  .attach svg {
    inline-size: 20px;
    block-size: 20px;
  }
`;
