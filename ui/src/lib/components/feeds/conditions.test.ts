import { describe, expect, it } from 'vitest';
import { buildConditions, describeCondition, type ConditionForm } from './conditions';

const form = (partial: Partial<ConditionForm>): ConditionForm => ({
  guideDefaults: true,
  maxResponseMs: null,
  certDays: null,
  bodyContains: '',
  jsonRules: '',
  ...partial,
});

describe('buildConditions', () => {
  it('leaves the server default (HTTP 200 and status == ok) when nothing is added', () => {
    expect(buildConditions(form({}))).toBeNull();
  });

  it('keeps the defaults and adds typed conditions', () => {
    const conditions = buildConditions(
      form({
        maxResponseMs: 500,
        certDays: 14,
        jsonRules: 'checks.database == ok\nconnections < 100\nready == true',
      }),
    );
    expect(conditions).toEqual([
      { type: 'status', codes: [200] },
      { type: 'jsonPath', path: 'status', op: '==', value: 'ok' },
      { type: 'responseTimeBelow', ms: 500 },
      { type: 'certExpiresInMoreThan', days: 14 },
      { type: 'jsonPath', path: 'checks.database', op: '==', value: 'ok' },
      { type: 'jsonPath', path: 'connections', op: '<', value: 100 },
      { type: 'jsonPath', path: 'ready', op: '==', value: true },
    ]);
  });

  it('refuses an unreadable rule and an empty set, saying how to write it', () => {
    expect(() => buildConditions(form({ jsonRules: 'database is fine' }))).toThrow(/path == value/);
    expect(() => buildConditions(form({ guideDefaults: false }))).toThrow(/at least one condition/);
    expect(() => buildConditions(form({ maxResponseMs: -5 }))).toThrow(/positive/);
  });

  it('describes conditions in words', () => {
    expect(describeCondition({ type: 'status', codes: [200, 204] })).toBe('HTTP status is 200 or 204');
    expect(describeCondition({ type: 'jsonPath', path: 'status', op: '==', value: 'ok' })).toBe(
      'status == "ok"',
    );
  });
});
