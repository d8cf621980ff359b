import { apiRequest } from './client';

// The integrations admin API (http/openapi.yaml: listIntegrations, createIntegration,
// rotateIntegrationSecret, updateIntegrationAllowlist, deleteIntegration; docs/webhooks.md).
type Token = string | null;

export interface Integration {
  name: string;
  callback_allowlist: string[];
  created_at: string;
  rotated_at: string | null;
  /** Until then the secret before the last rotation is still accepted. */
  previous_secret_expires_at: string | null;
  webhook_url: string;
}

/** Only the answers to create and rotate carry the secret; nothing else ever shows it. */
export interface IntegrationWithSecret extends Integration {
  secret: string;
}

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
