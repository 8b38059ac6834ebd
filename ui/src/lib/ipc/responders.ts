// Command wrappers of the responder's and reviewer's pages: the security checklist, the KPI
// dashboard and incidents (with their escalation chain, email and postmortem settings).
import { call, progressChannel } from './call';
import type {
  AttestationView,
  CheckItem,
  CheckItemResult,
  CheckRunSummary,
  CheckRunView,
  CheckStoredRun,
  CheckTarget,
  CheckTargetView,
  EmailSettings,
  EscalationPolicy,
  IncidentDetail,
  IncidentStatus,
  IncidentView,
  KpiRange,
  KpiReport,
  NewIncident,
  OnCallNow,
  PostmortemTemplate,
  PromSeries,
  ReportFormat,
} from './types';

// ---- Security checklist -------------------------------------------------------------------------
export const checkCatalog = (): Promise<CheckItem[]> => call('check_catalog', {});
export const checkTargets = (): Promise<CheckTargetView[]> => call('check_targets', {});
export const checkTargetAdd = (target: CheckTarget): Promise<CheckTargetView> =>
  call('check_target_add', { target });
export const checkTargetRemove = (name: string): Promise<null> => call('check_target_remove', { name });
export const checkAttest = (
  target: string,
  item: string,
  note: string,
  by: string,
  expires: string,
): Promise<AttestationView> => call('check_attest', { target, item, note, by, expires });
export const checkUnattest = (target: string, item: string): Promise<null> =>
  call('check_unattest', { target, item });
/**
 * Runs a target's checks (`only`: item or section ids, empty for all); `onProgress` gets each
 * item's result as soon as it is known, every selected item before the run resolves.
 */
export const checkRun = (
  name: string,
  only: string[] = [],
  onProgress: (item: CheckItemResult) => void = () => {},
): Promise<CheckRunView> => call('check_run', { name, only, onProgress: progressChannel(onProgress) });
/** The newest recorded run of a target, or null before the first. */
export const checkLastRun = (name: string): Promise<CheckStoredRun | null> =>
  call('check_last_run', { name });
export const checkHistory = (name: string): Promise<CheckRunSummary[]> => call('check_history', { name });
/** Saves the last run for a sign-off where the user picks; null when cancelled. */
export const checkExport = (name: string, format: ReportFormat): Promise<string | null> =>
  call('check_export', { name, format });

// ---- Security KPIs (the guide's dashboard) -----------------------------------------------------------
export const kpiReport = (range: KpiRange): Promise<KpiReport> => call('kpi_report', { range });
/** Sets a KPI's PromQL; `null` goes back to the default. */
export const kpiQuerySet = (id: string, query: string | null): Promise<null> =>
  call('kpi_query_set', { id, query });
/** Runs PromQL now against the first Prometheus: the series, or Prometheus's own error. */
export const kpiRunQuery = (expr: string): Promise<PromSeries[]> => call('kpi_run_query', { expr });

// ---- Incidents -------------------------------------------------------------------------------------
export const incidentList = (openOnly: boolean): Promise<IncidentView[]> =>
  call('incident_list', { openOnly });
export const incidentDetail = (id: number): Promise<IncidentDetail> => call('incident_detail', { id });
export const incidentOpen = (incident: NewIncident): Promise<IncidentView> =>
  call('incident_open', { incident });
export const incidentAck = (id: number): Promise<IncidentView> => call('incident_ack', { id });
export const incidentNote = (id: number, text: string): Promise<IncidentView> =>
  call('incident_note', { id, text });
/** Resolving needs a summary; `force` resolves while linked alerts still fire. */
export const incidentSetStatus = (
  id: number,
  status: IncidentStatus,
  summary: string | null,
  force = false,
): Promise<IncidentView> => call('incident_set_status', { id, status, summary, force });
export const incidentEscalate = (id: number): Promise<IncidentView> => call('incident_escalate', { id });
/** Saves a postmortem where the user picks; resolves to the path, or null when cancelled. */
export const incidentExport = (id: number, format: ReportFormat): Promise<string | null> =>
  call('incident_export', { id, format });
export const postmortemTemplateGet = (): Promise<PostmortemTemplate> => call('postmortem_template_get', {});
/** null: back to the built-in template. */
export const postmortemTemplateSet = (template: string | null): Promise<PostmortemTemplate> =>
  call('postmortem_template_set', { template });
export const emailSettingsGet = (): Promise<EmailSettings | null> => call('email_settings_get', {});
/** null: no email. */
export const emailSettingsSet = (settings: EmailSettings | null): Promise<EmailSettings | null> =>
  call('email_settings_set', { settings });
/** Saves the security report for `range` where the user picks; null when cancelled. */
export const kpiSecurityReport = (range: KpiRange, format: ReportFormat): Promise<string | null> =>
  call('kpi_security_report', { range, format });
export const incidentOnCall = (): Promise<OnCallNow> => call('incident_on_call', {});
export const escalationGet = (): Promise<EscalationPolicy> => call('escalation_get', {});
export const escalationSet = (policy: EscalationPolicy): Promise<EscalationPolicy> =>
  call('escalation_set', { policy });
