/**
 * The lessons the article's "Try it" links open, by their URL names (`?lesson=NAME`, served by the lab). The lab is
 * the page beside this one, so the link is relative: the app may be served under any sub-path.
 */
export const ARTICLE_LESSONS = [
  'what-bn-computes',
  'ioffe-mnist',
  'deep-sigmoid',
  'noisy-bn',
  'high-lr',
  'init-scale',
  'regularization',
  'small-batch',
  'inference-mode',
  'placement',
  'cnn-mnist',
] as const;

export type ArticleLesson = (typeof ARTICLE_LESSONS)[number];

export function lessonHref(name: ArticleLesson): string {
  return `./?lesson=${encodeURIComponent(name)}`;
}
