import { apiRequest } from './client';
import type { Integration, IntegrationWithSecret } from './types';

// The integrations admin API (http/openapi.yaml: listIntegrations, createIntegration,
// rotateIntegrationSecret, updateIntegrationAllowlist, deleteIntegration; docs/webhooks.md).
type Token = string | null;

export type { Integration, IntegrationWithSecret };

const path = (name: string) => `/api/integrations/${encodeURIComponent(name)}`;

export const listIntegrations = (token: Token) => apiRequest<Integration[]>('/api/integrations', { token });

export const createIntegration = (token: Token, name: string, callbackAllowlist: string[]) =>
  apiRequest<IntegrationWithSecret>('/api/integrations', {
    method: 'POST',
    body: { name, callback_allowlist: callbackAllowlist },
    token,
  });

export const rotateIntegration = (token: Token, name: string) =>
  apiRequest<IntegrationWithSecret>(`${path(name)}/rotate`, { method: 'POST', token });

export const updateIntegrationAllowlist = (token: Token, name: string, callbackAllowlist: string[]) =>
  apiRequest<Integration>(path(name), { method: 'PATCH', body: { callback_allowlist: callbackAllowlist }, token });

export const deleteIntegration = (token: Token, name: string) =>
  apiRequest<null>(path(name), { method: 'DELETE', token });

/** One entry per line or comma; blanks dropped. */
export function parseAllowlist(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
}
