import { describe, expect, it } from 'vitest';
import { LESSONS } from '../lessons';
import { ARTICLE_LESSONS, lessonHref } from './lessonLinks';

describe('the article’s lesson links', () => {
  it('name lessons that exist', () => {
    const names = LESSONS.map((l) => l.name);
    for (const name of ARTICLE_LESSONS) expect(names, name).toContain(name);
  });

  it('are relative to the page, so the app works under any sub-path', () => {
    expect(lessonHref('high-lr')).toBe('./?lesson=high-lr');
  });
});
