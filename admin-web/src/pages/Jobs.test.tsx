import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Job } from '../api/jobs';
import { errorBody, mockFetch, renderApp } from '../test/helpers';

// Shaped as http/openapi.yaml's Job (listJobs).
const dead: Job = {
  id: 12,
  channel: 'telegram',
  chat_id: '1001',
  state: 'dead',
  attempts: 5,
  last_error: 'sendMessage: 502 Bad Gateway',
  trace_id: 'trace-dead-12',
  created_at: '2026-01-02T03:04:05.000Z',
  updated_at: '2026-01-02T03:09:05.000Z',
};
const waiting: Job = { ...dead, id: 11, chat_id: '2002', state: 'waiting', attempts: 0, last_error: null, trace_id: 't-11' };

describe('jobs page', () => {
  it('lists jobs with state, channel, chat, attempts, last error and trace id', async () => {
    mockFetch((call) => (call.path.startsWith('/api/jobs') ? { body: [dead, waiting] } : undefined));
    renderApp('/jobs');
    const row = await screen.findByTestId('job-row-12');
    for (const text of ['Dead-lettered', 'telegram', '1001', '5', 'sendMessage: 502 Bad Gateway', 'trace-dead-12']) {
      expect(row).toHaveTextContent(text);
    }
    const other = screen.getByTestId('job-row-11');
    expect(other).toHaveTextContent('Waiting');
    expect(other).toHaveTextContent('None');
    // Only a given-up job can be retried or discarded.
    expect(within(other).queryByRole('button')).toBeNull();
    expect(screen.getByRole('link', { name: 'Jobs' })).toHaveAttribute('aria-current', 'page');
  });

  it('filters by state', async () => {
    const calls = mockFetch((call) => (call.path.startsWith('/api/jobs') ? { body: [] } : undefined));
    renderApp('/jobs');
    expect(await screen.findByText('No jobs in this state.')).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('State'), 'dead');
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/api/jobs?limit=50&state=dead')).toBe(true));
    expect(calls[0].path).toBe('/api/jobs?limit=50');
  });

  it('retries a dead job and reloads the list', async () => {
    let retried = false;
    const calls = mockFetch((call) => {
      if (call.method === 'POST' && call.path === '/api/jobs/12/retry') {
        retried = true;
        return { status: 202, body: { id: 12, state: 'waiting', attempts: 0 } };
      }
      if (call.path.startsWith('/api/jobs')) return { body: retried ? [] : [dead] };
      return undefined;
    });
    renderApp('/jobs');
    await userEvent.click(await screen.findByRole('button', { name: 'Retry job 12' }));
    expect(await screen.findByText('Job 12 is being sent again.')).toBeInTheDocument();
    expect(await screen.findByText('No jobs in this state.')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('discards only after confirmation, and focus returns to the button', async () => {
    const calls = mockFetch((call) =>
      call.method === 'DELETE' ? { status: 204 } : call.path.startsWith('/api/jobs') ? { body: [dead] } : undefined,
    );
    renderApp('/jobs');
    const discard = await screen.findByRole('button', { name: 'Discard job 12' });
    await userEvent.click(discard);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveAccessibleName('Discard job 12 for chat 1001? Its reply will never be sent.');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await waitFor(() => expect(discard).toHaveFocus());

    await userEvent.click(discard);
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Discard' }));
    expect(await screen.findByText('Job 12 discarded.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/jobs/12');
    expect(screen.queryByTestId('job-row-12')).toBeNull();
    // Its row is gone: focus goes to the page heading, not to the document body.
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: 'Jobs' })).toHaveFocus());
  });

  it('shows a refused retry with the server message and its trace id', async () => {
    mockFetch((call) =>
      call.method === 'POST'
        ? {
            status: 409,
            body: errorBody('conflict', 'job 12 is pending, not dead or failed'),
            headers: { 'X-Trace-Id': 'trace-409' },
          }
        : call.path.startsWith('/api/jobs')
          ? { body: [dead] }
          : undefined,
    );
    renderApp('/jobs');
    await userEvent.click(await screen.findByRole('button', { name: 'Retry job 12' }));
    const toast = await screen.findByTestId('toast-error');
    expect(toast).toHaveTextContent('Retrying job 12 failed: job 12 is pending, not dead or failed');
    expect(toast).toHaveTextContent('trace-409');
  });

  it('speaks Chinese', async () => {
    localStorage.setItem('storybot.admin.language', 'zh');
    mockFetch((call) => (call.path.startsWith('/api/jobs') ? { body: [dead] } : undefined));
    renderApp('/jobs');
    const row = await screen.findByTestId('job-row-12');
    expect(row).toHaveTextContent('死信');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('任务');
    expect(screen.getByRole('button', { name: '重试任务 12' })).toBeInTheDocument();
    localStorage.removeItem('storybot.admin.language');
  });
});
