import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockFetch, renderApp, samplePrompt } from '../test/helpers';

describe('page changes', () => {
  it('retitle the document and move focus to the new page heading', async () => {
    mockFetch((call) => (call.path === '/api/prompts' ? { body: [samplePrompt] } : { body: [] }));
    renderApp('/prompts');
    await screen.findByTestId('prompt-row-7');
    expect(document.title).toBe('Prompts · storybot admin');
    await userEvent.click(screen.getByRole('link', { name: 'Conversations' }));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Conversations' });
    await waitFor(() => expect(heading).toHaveFocus());
    expect(document.title).toBe('Conversations · storybot admin');
  });
});
