import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorBody, mockFetch, renderApp, samplePrompt } from '../test/helpers';

describe('story preview', () => {
  it('shows a failed preview as an error with its trace id', async () => {
    mockFetch((call) =>
      call.path === '/api/prompts'
        ? { body: [samplePrompt] }
        : { status: 503, body: errorBody('unavailable', 'the LLM is down'), headers: { 'X-Trace-Id': 'trace-503' } },
    );
    renderApp('/preview');
    await userEvent.type(await screen.findByLabelText('Request'), 'a story');
    await userEvent.click(screen.getByRole('button', { name: 'Write the story' }));
    const toast = await screen.findByTestId('toast-error');
    expect(toast).toHaveTextContent('the LLM is down');
    expect(toast).toHaveTextContent('trace-503');
  });

  it('warns on an empty request', async () => {
    const calls = mockFetch(() => ({ body: [] }));
    renderApp('/preview');
    await userEvent.click(await screen.findByRole('button', { name: 'Write the story' }));
    expect(screen.getAllByText('Please type a request.').length).toBeGreaterThan(0);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('sends prompt, request and user name, and shows the story and engine', async () => {
    const calls = mockFetch((call) => {
      if (call.path === '/api/prompts') return { body: [samplePrompt] };
      if (call.path === '/api/stories/preview') {
        return { body: { story: '从前，小明遇见了一只会说话的猫。<script>x</script>', prompt_id: 7, engine: 'offline', truncated: false } };
      }
      return undefined;
    });
    const { container } = renderApp('/preview');
    await userEvent.selectOptions(await screen.findByLabelText('Prompt'), '7');
    await userEvent.type(screen.getByLabelText('Request'), '讲个故事');
    await userEvent.type(screen.getByLabelText('User name'), '小明');
    await userEvent.click(screen.getByRole('button', { name: 'Write the story' }));
    expect(await screen.findByTestId('story')).toHaveTextContent('从前，小明遇见了一只会说话的猫。<script>x</script>');
    expect(container.querySelector('[data-testid="story"] script')).toBeNull();
    expect(screen.getByTestId('story-engine')).toHaveTextContent('Written by: offline');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      request: '讲个故事',
      prompt_id: 7,
      variables: { user_name: '小明' },
    });
  });
});

describe('field errors', () => {
  it('are tied to their field with aria-describedby', async () => {
    mockFetch(() => ({ body: [] }));
    renderApp('/preview');
    await userEvent.click(await screen.findByRole('button', { name: 'Write the story' }));
    const field = screen.getByLabelText('Request');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription('Please type a request.');
  });
});
