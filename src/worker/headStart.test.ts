import { describe, expect, it } from 'vitest';
import { decodeLink } from '../config/link';
import { PRESETS } from '../config/presets';
import { DATASETS } from '../config/schema';
import { LESSONS } from '../lessons';
import { resolveLessonLink } from '../ui/lessons/lessonLink';
import { headStartOf, needsDigits, trainingWorkerName } from './headStart';

/** The dataset the lab opens a link on, as the page decodes it. */
const datasetOf = (search: string) => resolveLessonLink(decodeLink(search), search).config.dataset.name;

describe('the training worker’s head start', () => {
  it('fetches the digits exactly when the link opens a run on them: no link, every preset, every dataset named', () => {
    const links = [
      '',
      '?be=wasm',
      '?lr=0.1&bs=8',
      ...PRESETS.map((p) => `?preset=${p.name}`),
      ...DATASETS.map((d) => `?data=${d}`),
      ...DATASETS.map((d) => `?preset=spirals&data=${d}`),
    ];
    for (const search of links) expect(needsDigits(search), search).toBe(datasetOf(search) === 'mnist');
  });

  it('fetches nothing ahead for a lesson, whose step brings its own data', () => {
    for (const lesson of LESSONS) {
      for (const search of [`?lesson=${lesson.name}`, `?lesson=${lesson.name}&lstep=2`, `?lesson=${lesson.name}&data=mnist`]) {
        expect(needsDigits(search), search).toBe(false);
      }
    }
  });

  it('travels in the worker’s name, both ways', () => {
    for (const digits of [true, false]) expect(headStartOf(trainingWorkerName({ digits }))).toEqual({ digits });
    expect(headStartOf('')).toEqual({ digits: false });
  });
});
