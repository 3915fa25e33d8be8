/**
 * Names of downloaded files: `batchnorm-explorer_<what>[_step-<n>].<ext>`, e.g.
 * `batchnorm-explorer_convergence_step-500.svg`. Lower-case ASCII, digits and hyphens only, so they are safe on
 * every file system and in a shell without quoting.
 */
export const FILE_PREFIX = 'batchnorm-explorer';

/** "Activation distributions" → "activation-distributions"; accents dropped, anything else becomes a hyphen. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'figure';
}

export function exportFileName(what: string, ext: string, step?: number): string {
  const stepPart = step !== undefined && Number.isInteger(step) && step >= 0 ? `_step-${step}` : '';
  return `${FILE_PREFIX}_${slug(what)}${stepPart}.${ext.replace(/^\./, '')}`;
}
