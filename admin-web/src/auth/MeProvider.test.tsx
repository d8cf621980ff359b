import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mockFetch, renderApp, samplePrompt } from '../test/helpers';

const VERA = { name: 'vera', role: 'viewer' } as const;
const viewer = { body: VERA };
const dead = {
  id: 12, channel: 'telegram', chat_id: '1001', state: 'dead', attempts: 5, last_error: 'boom', trace_id: 't',
  created_at: '2026-01-02T03:04:05.000Z', updated_at: '2026-01-02T03:04:05.000Z',
};
const acme = { name: 'acme', callback_allowlist: [], created_at: '2026-01-02T03:04:05Z', rotated_at: null, previous_secret_expires_at: null, webhook_url: '/webhooks/acme' };

// A viewer sees every page but no control that writes; an editor sees them (the other page tests).
describe('a viewer', () => {
  function asViewer() {
    return mockFetch((call) => {
      if (call.path === '/api/me') return viewer;
      if (call.path === '/api/prompts') return { body: [samplePrompt] };
      if (call.path === '/api/prompts/7') return { body: samplePrompt };
      if (call.path === '/api/prompts/7/versions') return { body: [{ version: 1, title: 't', content: 'c', enabled: true, created_at: samplePrompt.created_at }] };
      if (call.path.startsWith('/api/jobs')) return { body: [dead] };
      if (call.path === '/api/integrations') return { body: [acme] };
      return undefined;
    });
  }

  it('sees who they are and no prompt write controls', async () => {
    asViewer();
    renderApp('/prompts', 'viewer-token', VERA);
    expect(await screen.findByTestId('whoami')).toHaveTextContent('Signed in as vera (viewer)');
    const row = await screen.findByTestId('prompt-row-7');
    expect(within(row).queryByRole('button')).toBeNull();
    expect(screen.queryByRole('link', { name: 'Add prompt' })).toBeNull();
  });

  it('reads a prompt without save or delete', async () => {
    asViewer();
    renderApp('/prompts/7', 'viewer-token', VERA);
    expect(await screen.findByText('You are a viewer: you can look at everything but change nothing.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /save|delete|restore/i })).toBeNull();
  });

  it('sees jobs without retry or discard', async () => {
    asViewer();
    renderApp('/jobs', 'viewer-token', VERA);
    const row = await screen.findByTestId('job-row-12');
    await screen.findByTestId('whoami');
    expect(within(row).queryByRole('button')).toBeNull();
  });

  it('sees integrations without create, rotate, allowlist edit or delete', async () => {
    asViewer();
    renderApp('/integrations', 'viewer-token', VERA);
    const row = await screen.findByTestId('integration-row-acme');
    await screen.findByTestId('whoami');
    expect(within(row).queryByRole('button')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create integration' })).toBeNull();
    expect(screen.queryByLabelText('Name')).toBeNull();
  });
});

describe('the signed-in admin', () => {
  it('is asked for again, and a viewer answer hides the controls a stale editor cache showed', async () => {
    mockFetch((call) => {
      if (call.path === '/api/me') return viewer;
      if (call.path === '/api/prompts') return { body: [samplePrompt] };
      return undefined;
    });
    renderApp('/prompts');  // cached as an editor
    expect(await screen.findByText('Signed in as vera (viewer)')).toBeInTheDocument();
    expect(within(screen.getByTestId('prompt-row-7')).queryByRole('button')).toBeNull();
  });
});
