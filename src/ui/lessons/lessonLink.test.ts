import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink } from '../../config/link';
import { presetConfig } from '../../config/presets';
import { MAX_TEST_SIZE } from '../../config/schema';
import { lessonByName, stepConfig } from '../../lessons';
import { resolveLessonLink } from './lessonLink';

const open = (search: string) => resolveLessonLink(decodeLink(search), search);
const figure1 = lessonByName('ioffe-mnist')!;

describe('a lesson link', () => {
  it('without a configuration opens the step’s own, with its views, whatever the link’s version', () => {
    // Versions 1 and 2 read the default preset with all 2,000 test digits, version 3 with 1,000: a link that sets
    // nothing is a teacher's short link in each.
    for (const search of ['?lesson=ioffe-mnist&lstep=2', '?v=1&lesson=ioffe-mnist&lstep=2', '?v=2&lesson=ioffe-mnist&lstep=2', '?v=3&lesson=ioffe-mnist&lstep=2']) {
      const read = open(search);
      expect(read.problems, search).toEqual([]);
      expect(read.config, search).toEqual(stepConfig(figure1.steps[1]!));
      expect(read.view, search).toMatchObject({ layer: 2, distScope: 'unit', distMode: 'inference' });
    }
    // The Figure 1 lessons score what their preset scores (1,000 test digits), on which their claims were checked.
    expect(stepConfig(figure1.steps[0]!).probe.testSize).toBe(presetConfig('ioffe-mnist').probe.testSize);
  });

  it('with a configuration opens that one, read as its version wrote it', () => {
    const old = open('?v=2&lr=0.1&lesson=high-lr');
    expect(old.config.optimizer.learningRate).toBe(0.1);
    expect(old.config.probe.testSize).toBe(MAX_TEST_SIZE);
    const named = open('?v=3&preset=ioffe-mnist&lesson=high-lr');
    expect(named.config).toEqual(presetConfig('ioffe-mnist'));
  });

  it('copied from the page during a lesson opens the same configuration', () => {
    const config = stepConfig(figure1.steps[1]!);
    const search = `?${encodeLink({ config, to: 300, view: { layer: 1 }, lesson: { name: 'ioffe-mnist', step: 1 } })}`;
    const read = open(search);
    expect(read.problems).toEqual([]);
    expect(read).toMatchObject({ config, to: 300, view: { layer: 1 }, lesson: { name: 'ioffe-mnist', step: 1 } });
  });
});
