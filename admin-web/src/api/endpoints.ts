import { apiRequest } from './client';
import type { PreviewRequest, PreviewResult, Prompt, PromptInput, PromptVersion } from './types';

// One function per admin API call (http/openapi.yaml).
type Token = string | null;

export const listPrompts = (token: Token) => apiRequest<Prompt[]>('/api/prompts', { token });

export const getPrompt = (token: Token, id: number) => apiRequest<Prompt>(`/api/prompts/${id}`, { token });

export const createPrompt = (token: Token, input: PromptInput) =>
  apiRequest<Prompt>('/api/prompts', { method: 'POST', body: input, token });

export const updatePrompt = (token: Token, id: number, input: PromptInput) =>
  apiRequest<Prompt>(`/api/prompts/${id}`, { method: 'PUT', body: input, token });

export const deletePrompt = (token: Token, id: number) =>
  apiRequest<null>(`/api/prompts/${id}`, { method: 'DELETE', token });

export const listVersions = (token: Token, id: number) =>
  apiRequest<PromptVersion[]>(`/api/prompts/${id}/versions`, { token });

export const previewStory = (token: Token, body: PreviewRequest) =>
  apiRequest<PreviewResult>('/api/stories/preview', { method: 'POST', body, token });

export const listConversations = (token: Token, limit: number, channel: string) => {
  const query = new URLSearchParams({ limit: String(limit) });
  if (channel) query.set('channel', channel);
  return apiRequest<unknown>(`/api/conversations?${query}`, { token });
};

export const getStats = (token: Token) => apiRequest<unknown>('/api/stats', { token });

export const getHealth = () => apiRequest<unknown>('/healthz');

export const getReady = () => apiRequest<unknown>('/readyz');
