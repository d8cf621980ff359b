import { describe, expect, it } from 'vitest';
import { errorBody, mockFetch } from '../test/helpers';
import { ApiError, apiRequest } from './client';

describe('apiRequest', () => {
  it('sends a fresh 32-hex X-Trace-Id and the bearer token on every request', async () => {
    const calls = mockFetch(() => ({ body: [] }));
    await apiRequest('/api/prompts', { token: 'tok' });
    await apiRequest('/api/prompts', { token: 'tok' });
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.headers['X-Trace-Id']).toMatch(/^[0-9a-f]{32}$/);
      expect(call.headers.Authorization).toBe('Bearer tok');
    }
    expect(calls[0].headers['X-Trace-Id']).not.toBe(calls[1].headers['X-Trace-Id']);
  });

  it('sends JSON bodies with a content type', async () => {
    const calls = mockFetch(() => ({ status: 201, body: { id: 1 } }));
    const response = await apiRequest('/api/prompts', { method: 'POST', body: { content: '猫' } });
    expect(response.status).toBe(201);
    expect(calls[0].headers['Content-Type']).toBe('application/json');
    expect(calls[0].body).toEqual({ content: '猫' });
  });

  it("turns an error body into an ApiError with the response's trace id", async () => {
    mockFetch(() => ({
      status: 400,
      body: errorBody('invalid_template', 'content: unclosed "{{" at position 3'),
      headers: { 'X-Trace-Id': 'server-trace' },
    }));
    const error = await apiRequest('/api/prompts').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_template', traceId: 'server-trace' });
    expect((error as ApiError).message).toContain('position 3');
  });

  it('falls back to the trace id it sent when the response has none', async () => {
    const calls = mockFetch(() => ({ status: 500, body: 'oops' }));
    const error = (await apiRequest('/api/stats').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(500);
    expect(error.traceId).toBe(calls[0].headers['X-Trace-Id']);
  });

  it('reports an unreachable server as status 0', async () => {
    mockFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = (await apiRequest('/healthz').catch((e: unknown) => e)) as ApiError;
    expect(error).toMatchObject({ status: 0, code: 'network' });
    expect(error.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('resolves 204 with null data', async () => {
    mockFetch(() => ({ status: 204 }));
    expect((await apiRequest('/api/prompts/1', { method: 'DELETE' })).data).toBeNull();
  });
});
