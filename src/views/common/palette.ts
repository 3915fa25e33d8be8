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

/**
 * The arm colours for text (an arm's name in a view): the light theme's Okabe–Ito tones darkened at the same hue to
 * at least 4.5:1 on the panel and on a selected column's tint (WCAG 1.4.3; orange on white is 2.3:1). The dark
 * theme's tones already pass (6:1 or more), so they name their arms as they draw them.
 */
export const ARM_TEXT_COLORS = ['#8C6100', '#0070AE', '#007A59', '#AE427E'] as const;

export function armTextColor(index: number, theme: 'light' | 'dark' = 'light'): string {
  return theme === 'dark' ? armColor(index, theme) : ARM_TEXT_COLORS[index % ARM_TEXT_COLORS.length]!;
}

export function armDash(index: number): string {
  return ARM_DASHES[index % ARM_DASHES.length]!;
}
