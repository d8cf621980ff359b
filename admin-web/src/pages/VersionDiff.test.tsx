import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { PromptVersion } from '../api/types';
import { mockFetch, renderApp, samplePrompt, sampleVersions } from '../test/helpers';

function serve(versions: PromptVersion[]) {
  return mockFetch((call) => {
    if (call.path === '/api/prompts/7') return { body: { ...samplePrompt, version: versions[0].version } };
    if (call.path === '/api/prompts/7/versions') return { body: versions };
    return undefined;
  });
}

describe('version diff', () => {
  it('shows the previous version beside the newest, with the changed line marked', async () => {
    serve(sampleVersions);
    renderApp('/prompts/7');
    const diff = await screen.findByTestId('version-diff');
    expect(within(diff).getByRole('status')).toHaveTextContent('1 line differs.');
    expect(within(diff).getByRole('status')).toHaveTextContent('Title: “猫” → “会说话的猫”.');
    const changed = diff.querySelector('tr.diff-changed');
    expect(changed).not.toBeNull();
    expect(changed).toHaveTextContent('removed: 从前，{{user_name}}遇见了一只会说话的猫。');
    expect(changed).toHaveTextContent('added: 从前，{{user_name}}遇见了一只会说话的狗。');
    expect(diff.querySelectorAll('tr.diff-same')).toHaveLength(1);
  });

  it('compares any two versions the admin picks', async () => {
    const third: PromptVersion = { ...sampleVersions[0], version: 3, content: 'new line\n' + sampleVersions[0].content };
    serve([third, ...sampleVersions]);
    renderApp('/prompts/7');
    const diff = await screen.findByTestId('version-diff');
    await userEvent.selectOptions(within(diff).getByLabelText('Older'), '2');
    expect(within(diff).getByRole('status')).toHaveTextContent('1 line differs.');
    expect(diff.querySelector('tr.diff-added')).toHaveTextContent('new line');
    await userEvent.selectOptions(within(diff).getByLabelText('Older'), '3');
    expect(within(diff).getByRole('status')).toHaveTextContent('The contents are the same.');
  });

  it('is not offered for a prompt with one version', async () => {
    serve([sampleVersions[1]]);
    renderApp('/prompts/7');
    expect(await screen.findByTestId('version-1')).toBeInTheDocument();
    expect(screen.queryByTestId('version-diff')).toBeNull();
  });
});
