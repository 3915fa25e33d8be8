/**
 * Arm colours from Okabe & Ito's palette (2008), chosen to stay distinguishable with the common colour-vision
 * deficiencies; each arm also has its own dash pattern, so the legend never relies on colour alone.
 */
export const ARM_COLORS = ['#E69F00', '#0072B2', '#009E73', '#CC79A7'] as const;
export const ARM_COLORS_DARK = ['#F5B942', '#56B4E9', '#2BC79A', '#E08DC0'] as const;
export const ARM_DASHES = ['', '6 3', '2 2', '8 3 2 3'] as const;

export function armColor(index: number, theme: 'light' | 'dark' = 'light'): string {
  const set = theme === 'dark' ? ARM_COLORS_DARK : ARM_COLORS;
  return set[index % set.length]!;
}

export function armDash(index: number): string {
  return ARM_DASHES[index % ARM_DASHES.length]!;
}
