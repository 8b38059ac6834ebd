// Building a service's health conditions from the Add Service form (unit-tested).
import type { CompareOp, Condition } from '$lib/ipc';

export interface ConditionForm {
  /** The guide's /health check: HTTP 200 and `status == "ok"`. */
  guideDefaults: boolean;
  maxResponseMs: number | null;
  certDays: number | null;
  bodyContains: string;
  /** "path == value" lines, e.g. `checks.database == ok`. */
  jsonRules: string;
}

const RULE = /^\s*([\w.[\]-]+)\s*(==|!=|<=|>=|<|>)\s*(.+?)\s*$/;

/** Parses "true", numbers and quoted or bare strings as the expected value. */
function expected(text: string): boolean | number | string {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text.replace(/^"(.*)"$/, '$1');
}

/** The conditions to send, or null for the server-side default; throws a readable Error. */
export function buildConditions(form: ConditionForm): Condition[] | null {
  const extra: Condition[] = [];
  if (form.maxResponseMs !== null) {
    if (!(form.maxResponseMs > 0)) throw new Error('Response time limit must be a positive number of ms.');
    extra.push({ type: 'responseTimeBelow', ms: form.maxResponseMs });
  }
  if (form.certDays !== null) {
    if (!(form.certDays >= 0)) throw new Error('Certificate days must be 0 or more.');
    extra.push({ type: 'certExpiresInMoreThan', days: form.certDays });
  }
  if (form.bodyContains.trim()) extra.push({ type: 'bodyContains', text: form.bodyContains.trim() });
  for (const line of form.jsonRules.split('\n').filter((l) => l.trim())) {
    const m = RULE.exec(line);
    if (!m)
      throw new Error(
        `Cannot read the rule "${line.trim()}": write it as path == value, e.g. checks.database == ok`,
      );
    extra.push({ type: 'jsonPath', path: m[1], op: m[2] as CompareOp, value: expected(m[3]) });
  }
  if (form.guideDefaults && extra.length === 0) return null;
  const base: Condition[] = form.guideDefaults
    ? [
        { type: 'status', codes: [200] },
        { type: 'jsonPath', path: 'status', op: '==', value: 'ok' },
      ]
    : [];
  const all = [...base, ...extra];
  if (all.length === 0) throw new Error('Keep the /health defaults or add at least one condition.');
  return all;
}

/** One line per condition, for the service page. */
export function describeCondition(c: Condition): string {
  switch (c.type) {
    case 'status':
      return `HTTP status is ${c.codes.join(' or ')}`;
    case 'responseTimeBelow':
      return `responds in under ${c.ms} ms`;
    case 'jsonPath':
      return `${c.path} ${c.op} ${JSON.stringify(c.value)}`;
    case 'bodyContains':
      return `body contains "${c.text}"`;
    case 'certExpiresInMoreThan':
      return `certificate valid for more than ${c.days} days`;
  }
}
