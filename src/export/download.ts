/**
 * Saving files from the page: a Blob behind a temporary object URL, clicked through an <a download>. Browser only.
 * The CSP allows blob: for images; downloads of blob: URLs need no permission at all.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  saveUrl(url, fileName);
  // The click has started the download by the next task; revoking later frees the memory.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function saveText(text: string, fileName: string, type: string): void {
  saveBlob(new Blob([text], { type: `${type};charset=utf-8` }), fileName);
}

/** A same-origin URL (a shipped asset) saved under a file name. */
export function saveUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}

/** Copies text to the clipboard; where the Clipboard API is missing or refused, through a selected text area. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused or no user activation: fall through to the older path.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    // Deprecated but still the only fallback that works without the async Clipboard API.
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
