import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch, renderApp } from '../test/helpers';

describe('overview', () => {
  it('shows health and a calm message when stats are not there yet', async () => {
    mockFetch((call) => {
      if (call.path === '/healthz') return { body: { status: 'ok' } };
      if (call.path === '/readyz') return { status: 503, body: { error: { code: 'unavailable', message: 'database down' } } };
      return undefined;
    });
    renderApp('/');
    expect(await screen.findByTestId('not-available')).toBeInTheDocument();
    expect(screen.getByTestId('healthz')).toHaveTextContent('up');
    expect(screen.getByTestId('readyz')).toHaveTextContent('not ready');
    expect(screen.getByTestId('readyz')).toHaveTextContent('database down');
  });

  it('shows stats with friendly labels', async () => {
    mockFetch((call) => {
      if (call.path === '/api/stats') {
        return { body: { prompts: 3, jobs: { pending: 2, failed: 1 }, channels: { telegram: true, slack: false } } };
      }
      return { body: { status: 'ok' } };
    });
    renderApp('/');
    expect(await screen.findByText('Failed (dead-lettered)')).toBeInTheDocument();
    expect(screen.getByText('Pending').nextElementSibling).toHaveTextContent('2');
    expect(screen.getByText('Telegram').nextElementSibling).toHaveTextContent('on');
    expect(screen.getByText('Slack').nextElementSibling).toHaveTextContent('off');
  });
});
