import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/schema';
import { createLabStore } from '../../store/labStore';
import { fullLabHref, withoutEmbed } from './fullLabLink';

describe('the way out of an embed', () => {
  it('drops embed=1 and keeps every other parameter in order', () => {
    expect(withoutEmbed('?v=1&lr=0.5&embed=1&views=convergence,ics&to=200')).toBe('?v=1&lr=0.5&views=convergence,ics&to=200');
    expect(withoutEmbed('?embed=1')).toBe('');
    expect(withoutEmbed('?embedded=2&embed')).toBe('?embedded=2');
  });

  it('before the engine is ready it is the opened link; then the link of what is on screen, without embed', () => {
    const store = createLabStore(parseConfig({}));
    store.getState().setView({ embed: true, views: ['convergence'] });
    const loc = { pathname: '/course/bn/', search: '?embed=1&views=convergence&to=40' };
    expect(fullLabHref(store.getState(), loc)).toBe('/course/bn/?views=convergence&to=40');
    store.setState({ run: { ...store.getState().run, status: 'ready', step: 40, backend: { name: 'wasm', reason: '' } } });
    const href = new URL(fullLabHref(store.getState(), loc), 'https://example.org');
    expect(href.pathname).toBe('/course/bn/');
    expect(href.searchParams.has('embed')).toBe(false);
    expect(href.searchParams.get('views')).toBe('convergence');
    expect(href.searchParams.get('to')).toBe('40');
    expect(href.searchParams.get('be')).toBe('wasm');
  });
});
