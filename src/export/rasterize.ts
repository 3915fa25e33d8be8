/**
 * SVG → PNG in the page: the SVG is loaded as an image from a blob: URL (no network, allowed by the CSP's
 * img-src) and drawn onto a canvas `scale` times its CSS size. Browser only.
 */
export const PNG_SCALE = 2;

/** The pixel size of a PNG of a `width` × `height` CSS-pixel figure. */
export function pngSize(width: number, height: number, scale = PNG_SCALE): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export async function svgToPng(svg: string, width: number, height: number, scale = PNG_SCALE): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const img = new Image();
    const loaded = new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the browser could not draw the SVG'));
    });
    img.src = url;
    await loaded;
    const size = pngSize(width, height, scale);
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2-D canvas in this browser');
    ctx.drawImage(img, 0, 0, size.width, size.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
