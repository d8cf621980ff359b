import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../api/types';
import { errorBody, mockFetch, renderApp, sampleConversation } from '../test/helpers';

const second: Conversation = { ...sampleConversation, id: 5, chat_id: 'shop:u2', user_name: '', channel: 'webhook' };

describe('conversations', () => {
  it('lists conversations with their last message, and sends the filters the server knows', async () => {
    const calls = mockFetch(() => ({ body: [sampleConversation, second] }));
    renderApp('/conversations');
    const first = await screen.findByTestId('conversation-4');
    expect(within(first).getByRole('heading', { name: /小明/ })).toBeInTheDocument();
    expect(within(first).getByText('从前……')).toBeInTheDocument();
    expect(within(screen.getByTestId('conversation-5')).getByRole('heading')).toHaveTextContent('shop:u2');
    expect(calls[0].path).toBe('/api/conversations?limit=20&offset=0');

    await userEvent.selectOptions(screen.getByLabelText('Channel'), 'slack');
    await userEvent.type(screen.getByLabelText('User'), ' 小明 ');
    await userEvent.type(screen.getByLabelText('Search the text'), '50% 猫');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(calls.at(-1)?.path).toBe(
        `/api/conversations?limit=20&offset=0&channel=slack&user=${encodeURIComponent('小明')}&q=50%25+${encodeURIComponent('猫')}`,
      ),
    );
  });

  it('pages with offset', async () => {
    const page = Array.from({ length: 20 }, (_, n) => ({ ...sampleConversation, id: n + 1 }));
    const calls = mockFetch((call) => ({ body: call.path.includes('offset=20') ? [second] : page }));
    renderApp('/conversations');
    await userEvent.click(await screen.findByRole('button', { name: 'Older' }));
    expect(await screen.findByTestId('conversation-5')).toBeInTheDocument();
    expect(calls.at(-1)?.path).toBe('/api/conversations?limit=20&offset=20');
    expect(screen.getByRole('button', { name: 'Older' })).toBeDisabled();
  });

  it('resets a conversation after confirming, with focus back on its button', async () => {
    const calls = mockFetch((call) => (call.method === 'POST' ? { status: 204 } : { body: [sampleConversation] }));
    renderApp('/conversations');
    const reset = await screen.findByRole('button', { name: 'Reset the conversation with 小明' });
    await userEvent.click(reset);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('/reset');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/api/conversations/4/reset')).toBe(true));
    expect(await screen.findByTestId('toast-success')).toHaveTextContent('was reset');
    expect(within(screen.getByTestId('conversation-4')).getByText(/no story going on/)).toBeInTheDocument();
    expect(reset).toHaveFocus();
  });

  it('shows a failure with the trace id instead of a fallback', async () => {
    mockFetch(() => ({ status: 500, body: errorBody('internal', 'database is locked'), headers: { 'X-Trace-Id': 'trace-9' } }));
    renderApp('/conversations');
    expect(await screen.findByText('The conversations could not be loaded.')).toBeInTheDocument();
    expect(await screen.findByTestId('toast-error')).toHaveTextContent('trace-9');
    expect(screen.queryByTestId('not-available')).toBeNull();
  });
});

describe('transcript', () => {
  it('shows every message with who wrote it and when', async () => {
    const calls = mockFetch(() => ({ body: sampleConversation }));
    renderApp('/conversations/4');
    const transcript = await screen.findByTestId('transcript');
    const items = within(transcript).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('小明');
    expect(items[0]).toHaveTextContent('讲个故事');
    expect(items[1]).toHaveClass('message-bot');
    expect(items[1].querySelector('time')).toHaveAttribute('dateTime', '2026-01-02T03:04:05Z');
    expect(calls[0].path).toBe('/api/conversations/4');
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Conversation 4');
  });

  it('resets from the transcript and reloads it', async () => {
    let reset = false;
    const calls = mockFetch((call) => {
      if (call.method === 'POST') {
        reset = true;
        return { status: 204 };
      }
      return { body: reset ? { ...sampleConversation, has_story: false, chapter: 0 } : sampleConversation };
    });
    renderApp('/conversations/4');
    await userEvent.click(await screen.findByRole('button', { name: 'Reset' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Reset' }));
    expect(await screen.findByText('no story going on')).toBeInTheDocument();
    expect(calls.filter((c) => c.path === '/api/conversations/4')).toHaveLength(2);
  });

  it('reports a missing conversation with its trace id', async () => {
    mockFetch(() => ({ status: 404, body: errorBody('not_found', 'conversation 9 does not exist'), headers: { 'X-Trace-Id': 't-404' } }));
    renderApp('/conversations/9');
    expect(await screen.findByTestId('toast-error')).toHaveTextContent('conversation 9 does not exist');
    expect(screen.getByTestId('toast-error')).toHaveTextContent('t-404');
  });
});
