import { describe, expect, it } from 'vitest';
import { messageTask } from './session';

/** Resolves once a task queued now has run: what was queued before it has had its turn. */
const afterATask = () => new Promise<void>((resolve) => messageTask(() => setTimeout(resolve, 0)));

describe('messageTask: the worker’s next slice, queued without timer clamping', () => {
  it('runs once, as a new task (not before the code that queued it has finished)', async () => {
    const seen: string[] = [];
    const ran = new Promise<void>((resolve) =>
      messageTask(() => {
        seen.push('task');
        resolve();
      }),
    );
    seen.push('after');
    await ran;
    await afterATask();
    expect(seen).toEqual(['after', 'task']);
  });

  it('runs nothing once cancelled', async () => {
    let ran = false;
    const cancel = messageTask(() => (ran = true));
    cancel();
    await afterATask();
    expect(ran).toBe(false);
  });
});
