import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorBody, mockFetch, renderApp } from '../test/helpers';

describe('sign in', () => {
  it('warns on an empty token without calling the server', async () => {
    const calls = mockFetch(() => ({ body: [] }));
    renderApp('/', null);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getAllByText('Please enter the admin token.').length).toBeGreaterThan(0);
    expect(calls).toHaveLength(0);
  });

  it('says so when the token is wrong, with the trace id', async () => {
    mockFetch(() => ({ status: 401, body: errorBody('unauthorized', 'bad token'), headers: { 'X-Trace-Id': 'abc123' } }));
    renderApp('/', null);
    await userEvent.type(screen.getByLabelText('Admin token'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findAllByText('Wrong token: the server refused it.')).not.toHaveLength(0);
    expect(screen.getByText('abc123')).toBeInTheDocument();
    expect(sessionStorage.getItem('storybot.admin.token')).toBeNull();
  });

  it('keeps a good token in sessionStorage and signs out again', async () => {
    const calls = mockFetch((call) => {
      if (call.path === '/api/prompts') return { body: [] };
      if (call.path === '/healthz' || call.path === '/readyz') return { body: { status: 'ok' } };
      return undefined;
    });
    renderApp('/', null);
    await userEvent.type(screen.getByLabelText('Admin token'), '  good-token ');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeInTheDocument();
    expect(calls[0].headers.Authorization).toBe('Bearer good-token');
    expect(sessionStorage.getItem('storybot.admin.token')).toBe('good-token');

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(screen.getByLabelText('Admin token')).toBeInTheDocument();
    expect(sessionStorage.getItem('storybot.admin.token')).toBeNull();
  });

  it('signs out when the server later rejects the token', async () => {
    mockFetch(() => ({ status: 401, body: errorBody('unauthorized', 'bad token') }));
    renderApp('/prompts');
    expect(await screen.findByLabelText('Admin token')).toBeInTheDocument();
    expect(screen.getByText(/no longer accepts this token/)).toBeInTheDocument();
  });
});
