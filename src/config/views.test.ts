import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEWS, VIEW_NAMES, decodeLink, encodeLink, viewsShown } from './link';
import { presetConfig } from './presets';

describe('the views on screen', () => {
  const config = presetConfig('ioffe-mnist');

  it('a link that names no views shows the defaults, and views of their own experiments are not among them', () => {
    expect(viewsShown(null)).toEqual(DEFAULT_VIEWS);
    // Views that train runs of their own or cost probe time open when asked, not on every visit.
    const optIn = VIEW_NAMES.filter((v) => !DEFAULT_VIEWS.includes(v));
    expect(optIn.length).toBeGreaterThan(0);
    for (const v of optIn) expect(viewsShown(null)).not.toContain(v);
  });

  it('the default set is not written into the address, in any order; any other choice is, and reads back', () => {
    const plain = encodeLink({ config, view: {} });
    expect(plain).not.toContain('views=');
    expect(encodeLink({ config, view: { views: [...DEFAULT_VIEWS] } })).toBe(plain);
    expect(encodeLink({ config, view: { views: [...DEFAULT_VIEWS].reverse() } })).toBe(plain);
    const extra = VIEW_NAMES.find((v) => !DEFAULT_VIEWS.includes(v))!;
    const chosen = [...DEFAULT_VIEWS, extra];
    const link = encodeLink({ config, view: { views: chosen } });
    expect(link).toContain(`views=${chosen.join(',')}`);
    expect(decodeLink(link).view.views).toEqual(chosen);
  });
});
