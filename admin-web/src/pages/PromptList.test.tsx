import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorBody, mockFetch, renderApp, samplePrompt } from '../test/helpers';

describe('prompt list', () => {
  it('shows a loading indicator, then title, state and version', async () => {
    mockFetch(() => ({ body: [samplePrompt] }));
    renderApp('/prompts');
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    const row = await screen.findByTestId('prompt-row-7');
    expect(row).toHaveTextContent('会说话的猫');
    expect(row).toHaveTextContent('Enabled');
    expect(row).toHaveTextContent('1');
    expect(within(row).getByTestId('usage-count')).toHaveTextContent('3');
    expect(screen.getByRole('columnheader', { name: 'Stories' })).toBeInTheDocument();
  });

  it('disables a prompt', async () => {
    const calls = mockFetch((call) =>
      call.method === 'PUT' ? { body: { ...samplePrompt, enabled: false, version: 2 } } : { body: [samplePrompt] },
    );
    renderApp('/prompts');
    await userEvent.click(await screen.findByRole('button', { name: 'Disable prompt “会说话的猫”' }));
    expect(await screen.findByText('Prompt “会说话的猫” disabled.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')).toMatchObject({ path: '/api/prompts/7', body: { enabled: false } });
    expect(screen.getByTestId('prompt-row-7')).toHaveTextContent('Disabled');
  });

  it('deletes only after confirmation', async () => {
    const calls = mockFetch((call) => (call.method === 'DELETE' ? { status: 204 } : { body: [samplePrompt] }));
    renderApp('/prompts');
    await userEvent.click(await screen.findByRole('button', { name: 'Delete prompt “会说话的猫”' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await userEvent.click(screen.getByRole('button', { name: 'Delete prompt “会说话的猫”' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Prompt “会说话的猫” deleted.')).toBeInTheDocument();
    expect(screen.queryByTestId('prompt-row-7')).toBeNull();
  });

  it('shows a failed delete as an error toast with the trace id', async () => {
    mockFetch((call) =>
      call.method === 'DELETE'
        ? { status: 404, body: errorBody('not_found', 'prompt 7 does not exist'), headers: { 'X-Trace-Id': 'trace-del' } }
        : { body: [samplePrompt] },
    );
    renderApp('/prompts');
    await userEvent.click(await screen.findByRole('button', { name: 'Delete prompt “会说话的猫”' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    const toast = await screen.findByTestId('toast-error');
    expect(toast).toHaveTextContent('Deleting the prompt failed: prompt 7 does not exist');
    expect(toast).toHaveTextContent('trace-del');
  });
});
