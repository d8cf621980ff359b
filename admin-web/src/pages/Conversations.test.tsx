import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockFetch, renderApp } from '../test/helpers';
import { normalizeConversations } from './conversationShape';

describe('conversations', () => {
  it('shows a calm message when the endpoint is missing', async () => {
    mockFetch(() => undefined);
    renderApp('/conversations');
    expect(await screen.findByTestId('not-available')).toBeInTheDocument();
  });

  it('lists conversations with their messages and filters by channel', async () => {
    const calls = mockFetch(() => ({
      body: [
        {
          id: 1,
          channel: 'telegram',
          user_name: '小明',
          messages: [
            { role: 'user', text: '讲个故事' },
            { role: 'bot', text: '从前……' },
          ],
        },
      ],
    }));
    renderApp('/conversations');
    expect(await screen.findByText('讲个故事')).toBeInTheDocument();
    expect(screen.getByText('从前……').closest('li')).toHaveClass('message-bot');
    expect(calls[0].path).toBe('/api/conversations?limit=20');

    await userEvent.selectOptions(screen.getByLabelText('Channel'), 'slack');
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(calls.at(-1)?.path).toBe('/api/conversations?limit=20&channel=slack');
  });

  it('accepts a wrapped list and odd field names', () => {
    const [conversation] = normalizeConversations({
      conversations: [{ conversation_id: 'c1', channel: 'slack', last_messages: [{ direction: 'outbound', content: 'hi' }] }],
    });
    expect(conversation).toMatchObject({ key: 'c1', channel: 'slack', messages: [{ side: 'bot', text: 'hi' }] });
    expect(normalizeConversations('nonsense')).toEqual([]);
  });
});
