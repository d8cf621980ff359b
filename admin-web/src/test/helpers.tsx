import { render } from '@testing-library/react';
import { vi } from 'vitest';
import type { Me } from '../api/audit';
import { App } from '../App';
import { ME_STORAGE_KEY } from '../auth/MeProvider';
import { Providers } from '../Providers';
import type { Conversation, PromptListItem, PromptVersion } from '../api/types';

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (call: Call) => FakeResponse | undefined;

/** Replaces fetch; the handler answers by method and path, unknown routes get 404. */
export function mockFetch(handler: Handler) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://panel.test');
    const call: Call = {
      method: init.method ?? 'GET',
      path: url.pathname + url.search,
      headers: { ...(init.headers as Record<string, string>) },
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    const handled = handler(call);
    // Every signed-in page asks who the admin is: unless a test answers that itself, the admin
    // renderApp signed in as (not recorded in `calls`).
    const answersMe = (handled?.body as { role?: unknown } | undefined)?.role !== undefined;
    if (call.method === 'GET' && url.pathname === '/api/me' && !answersMe) {
      return new Response(sessionStorage.getItem(ME_STORAGE_KEY) ?? JSON.stringify(EDITOR), { status: 200 });
    }
    calls.push(call);
    const answer = handled ?? {
      status: 404,
      body: { error: { code: 'not_found', message: `no route for ${call.method} ${url.pathname}` }, trace_id: 'x' },
    };
    const status = answer.status ?? 200;
    const text = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(status === 204 ? null : text, { status, headers: answer.headers });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

export function errorBody(code: string, message: string) {
  return { error: { code, message }, trace_id: 'ignored' };
}

export const EDITOR: Me = { name: 'bootstrap', role: 'editor' };

/** Renders the whole app at a path, signed in (as `me`, an editor by default) unless token is null. */
export function renderApp(path = '/', token: string | null = 'secret-token', me: Me = EDITOR) {
  if (token) sessionStorage.setItem('storybot.admin.token', token);
  if (token) sessionStorage.setItem(ME_STORAGE_KEY, JSON.stringify(me));
  // Vitest may not apply Vite's base, so build the URL the way the router reads it.
  window.history.pushState(null, '', import.meta.env.BASE_URL.replace(/\/+$/, '') + path);
  return render(
    <Providers>
      <App />
    </Providers>,
  );
}

// Fixtures are typed from the OpenAPI document (api/schema.d.ts): a mock that disagrees with
// the server does not compile.
export const samplePrompt: PromptListItem = {
  id: 7,
  title: '会说话的猫',
  content: '从前，{{user_name}}遇见了一只会说话的猫。{{request}}',
  enabled: true,
  version: 1,
  created_at: '2026-01-02T03:04:05Z',
  updated_at: '2026-01-02T03:04:05Z',
  usage_count: 3,
};

export const sampleVersions: PromptVersion[] = [
  { version: 2, title: '会说话的猫', content: '从前，{{user_name}}遇见了一只会说话的狗。\n{{request}}', enabled: true, created_at: '2026-01-03T00:00:00Z' },
  { version: 1, title: '猫', content: '从前，{{user_name}}遇见了一只会说话的猫。\n{{request}}', enabled: true, created_at: '2026-01-02T03:04:05Z' },
];

export const sampleConversation: Conversation = {
  id: 4,
  channel: 'telegram',
  chat_id: '1001',
  user_name: '小明',
  created_at: '2026-01-02T03:00:00Z',
  updated_at: '2026-01-02T03:04:05Z',
  has_story: true,
  chapter: 1,
  message_count: 2,
  messages: [
    { role: 'user', content: '讲个故事', created_at: '2026-01-02T03:04:00Z', user_id: '42', user_name: '小明', in_story: true },
    { role: 'assistant', content: '从前……', created_at: '2026-01-02T03:04:05Z', user_id: '', user_name: '', in_story: true },
  ],
};
