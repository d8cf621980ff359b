import { apiRequest } from './client';

// The accounts and audit admin API (http/openapi.yaml: getMe, listAudit).
type Token = string | null;

export type AdminRole = 'viewer' | 'editor';

export interface Me {
  name: string;
  role: AdminRole;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  actor_role: AdminRole;
  action: string;
  method: string;
  route: string;
  target: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  trace_id: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_before: number | null;
}

export const getMe = (token: Token) => apiRequest<Me>('/api/me', { token });

export const listAudit = (token: Token, options: { limit?: number; before?: number | null; actor?: string } = {}) => {
  const query = new URLSearchParams({ limit: String(options.limit ?? 50) });
  if (options.before) query.set('before', String(options.before));
  if (options.actor) query.set('actor', options.actor);
  return apiRequest<AuditPage>(`/api/audit?${query}`, { token });
};

/** Top-level fields whose value differs between before and after (added and removed ones too). */
export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys].filter((key) => JSON.stringify(before?.[key]) !== JSON.stringify(after?.[key])).sort();
}
