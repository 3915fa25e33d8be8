import { decodeLink, type LinkReading } from '../../config/link';
import type { ExperimentConfig } from '../../config/schema';
import { LESSONS, lessonByName, stepConfig } from '../../lessons';

const sameConfig = (a: ExperimentConfig, b: ExperimentConfig) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a link with `?lesson=NAME&lstep=K` opens. A teacher's short link (`?lesson=inference-mode&lstep=2`) carries
 * no configuration, so the step's own configuration, views and layer are used; a link copied from the page also
 * carries the configuration (perhaps changed by the learner), which then wins. An unknown lesson is named in the
 * link's notice and the lab opens without one.
 */
export function resolveLessonLink(link: LinkReading, search: string): LinkReading {
  if (!link.lesson) return link;
  const lesson = lessonByName(link.lesson.name);
  if (!lesson) {
    const { lesson: _unknown, ...rest } = link;
    return {
      ...rest,
      problems: [...link.problems, `lesson: there is no lesson “${link.lesson.name}” (the lessons are ${LESSONS.map((l) => l.name).join(', ')}); the lab opened without one`],
    };
  }
  const problems = [...link.problems];
  let index = link.lesson.step;
  if (index >= lesson.steps.length) {
    problems.push(`lstep: “${lesson.name}” has ${lesson.steps.length} step${lesson.steps.length === 1 ? '' : 's'}; step ${lesson.steps.length} opened`);
    index = lesson.steps.length - 1;
  }
  const step = lesson.steps[index]!;
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  // Compared with what a link of the same version that sets nothing opens: the default preset as that version read it
  // (before version 3 it scored all 2,000 test digits), so that an old teacher's link still carries no configuration.
  const version = params.get('v');
  const bare = decodeLink(version === null ? '' : new URLSearchParams({ v: version }).toString()).config;
  const carriesConfig = params.has('preset') || !sameConfig(link.config, bare);
  const config = carriesConfig ? link.config : stepConfig(step);
  const view = { ...link.view };
  if (view.views === undefined && step.views) view.views = [...step.views];
  if (view.layer === undefined && step.layer !== undefined && !carriesConfig) view.layer = step.layer;
  if (view.unit === undefined && step.unit !== undefined && step.unit !== null && !carriesConfig) view.unit = step.unit;
  if (view.distScope === undefined && step.distScope && !carriesConfig) view.distScope = step.distScope;
  if (view.distMode === undefined && step.distMode && !carriesConfig) view.distMode = step.distMode;
  if (view.xAxis === undefined && step.xAxis) view.xAxis = step.xAxis;
  const to = link.to ?? (carriesConfig ? undefined : step.to);
  return { ...link, config, view, problems, lesson: { name: lesson.name, step: index }, ...(to !== undefined ? { to } : {}) };
}
