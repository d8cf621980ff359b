import { apiRequest } from './client';
import type {
  Conversation,
  ConversationQuery,
  NewPrompt,
  PreviewRequest,
  PreviewResult,
  Prompt,
  PromptInput,
  PromptListItem,
  PromptVersion,
} from './types';

// One function per admin API call (http/openapi.yaml).
type Token = string | null;

export const listPrompts = (token: Token) => apiRequest<PromptListItem[]>('/api/prompts', { token });

export const getPrompt = (token: Token, id: number) => apiRequest<Prompt>(`/api/prompts/${id}`, { token });

export const createPrompt = (token: Token, input: NewPrompt) =>
  apiRequest<Prompt>('/api/prompts', { method: 'POST', body: input, token });

export const updatePrompt = (token: Token, id: number, input: PromptInput) =>
  apiRequest<Prompt>(`/api/prompts/${id}`, { method: 'PUT', body: input, token });

export const deletePrompt = (token: Token, id: number) =>
  apiRequest<null>(`/api/prompts/${id}`, { method: 'DELETE', token });

export const listVersions = (token: Token, id: number) =>
  apiRequest<PromptVersion[]>(`/api/prompts/${id}/versions`, { token });

export const previewStory = (token: Token, body: PreviewRequest) =>
  apiRequest<PreviewResult>('/api/stories/preview', { method: 'POST', body, token });

/** GET /api/conversations: empty filters are left out; the server checks the rest. */
export const listConversations = (token: Token, query: ConversationQuery) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return apiRequest<Conversation[]>(`/api/conversations?${params}`, { token });
};

export const getConversation = (token: Token, id: number) =>
  apiRequest<Conversation>(`/api/conversations/${id}`, { token });

/** What /reset does for that chat: the story is forgotten, the transcript stays. */
export const resetConversation = (token: Token, id: number) =>
  apiRequest<null>(`/api/conversations/${id}/reset`, { method: 'POST', token });


export const getHealth = () => apiRequest<unknown>('/healthz');

export const getReady = () => apiRequest<unknown>('/readyz');
