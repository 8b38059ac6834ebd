import { describe, expect, it } from 'vitest';
import { AsyncAction } from './action.svelte';

describe('AsyncAction', () => {
  it('is busy while the work runs, returns its result and clears an earlier error', async () => {
    const action = new AsyncAction();
    action.fail('fill in the name');
    let release!: (v: number) => void;
    const running = action.run(() => new Promise<number>((r) => (release = r)));
    expect(action.busy).toBe(true);
    expect(action.error).toBeNull();
    expect(await action.run(async () => 2)).toBeUndefined(); // one at a time
    release(1);
    expect(await running).toBe(1);
    expect(action.busy).toBe(false);
  });

  it('keeps the back end message of a failure and is ready again', async () => {
    const action = new AsyncAction();
    const result = await action.run(async () => {
      throw { kind: 'invalidInput', message: 'give the SMTP server and port' };
    });
    expect(result).toBeUndefined();
    expect(action.error).toBe('give the SMTP server and port');
    expect(action.busy).toBe(false);
    expect(await action.run(async () => 'ok')).toBe('ok');
    expect(action.error).toBeNull();
  });
});
