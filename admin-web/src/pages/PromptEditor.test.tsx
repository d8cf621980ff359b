import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorBody, mockFetch, renderApp, samplePrompt } from '../test/helpers';

const versions = [
  { version: 2, content: '新内容 <img src=x onerror="alert(1)">', title: '新标题', enabled: true, created_at: '2026-01-03T00:00:00Z' },
  { version: 1, content: samplePrompt.content, title: samplePrompt.title, enabled: false, created_at: '2026-01-02T00:00:00Z' },
];

function typeTemplate(text: string) {
  // fireEvent: userEvent.type treats "{" as a key descriptor.
  fireEvent.change(screen.getByLabelText('Template'), { target: { value: text } });
}

describe('prompt editor', () => {
  it('shows the variables the template uses, live', async () => {
    mockFetch(() => undefined);
    renderApp('/prompts/new');
    typeTemplate('从前，{{user_name}}遇见了{{animal|一只猫}}。{{request}}');
    const chips = screen.getByRole('list', { name: 'Variables used' });
    expect(within(chips).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'user_name',
      'animal · default: 一只猫',
      'request',
    ]);
  });

  it('shows a template error at its line and column', async () => {
    mockFetch(() => undefined);
    renderApp('/prompts/new');
    typeTemplate('第一行\n猫说{{1name}}');
    expect(screen.getByTestId('template-error')).toHaveTextContent('character 7 (line 2, column 3)');
    expect(screen.getByTestId('template-error')).toHaveTextContent('“1name” is not a valid name');
  });

  it('warns on empty content without calling the server', async () => {
    const calls = mockFetch(() => undefined);
    renderApp('/prompts/new');
    typeTemplate('   ');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(screen.getByTestId('editor-problem')).toHaveTextContent('The template must not be empty.');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
  });

  it('creates a prompt and opens it', async () => {
    const calls = mockFetch((call) => {
      if (call.method === 'POST' && call.path === '/api/prompts') return { status: 201, body: samplePrompt };
      if (call.path === '/api/prompts/7') return { body: samplePrompt };
      if (call.path === '/api/prompts/7/versions') return { body: [versions[1]] };
      return undefined;
    });
    renderApp('/prompts/new');
    await userEvent.type(screen.getByLabelText('Title'), '会说话的猫');
    typeTemplate(samplePrompt.content);
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('heading', { name: 'Edit prompt #7' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      content: samplePrompt.content,
      enabled: true,
      title: '会说话的猫',
    });
    expect(screen.getByText('Prompt “会说话的猫” created (version 1).')).toBeInTheDocument();
    expect(window.location.pathname).toMatch(/\/prompts\/7$/);
  });

  it("shows the server's 400 message naming the position, and the trace id", async () => {
    mockFetch((call) =>
      call.method === 'POST'
        ? { status: 400, body: errorBody('invalid_template', 'content: unclosed "{{" at position 3'), headers: { 'X-Trace-Id': 'trace-400' } }
        : undefined,
    );
    renderApp('/prompts/new');
    typeTemplate('从前，{{user_name');
    await userEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByTestId('editor-problem')).toHaveTextContent('at position 3');
    expect(screen.getByText('trace-400')).toBeInTheDocument();
  });

  it('lists versions with inert content and restores an old one', async () => {
    let current = { ...samplePrompt, version: 2, title: '新标题', content: versions[0].content };
    const calls = mockFetch((call) => {
      if (call.method === 'PUT') {
        current = { ...current, ...(call.body as object), version: 3 };
        return { body: current };
      }
      if (call.path === '/api/prompts/7') return { body: current };
      if (call.path === '/api/prompts/7/versions') return { body: versions };
      return undefined;
    });
    const { container } = renderApp('/prompts/7');
    expect(await screen.findByTestId('version-1')).toBeInTheDocument();
    expect(screen.getByTestId('version-2')).toHaveTextContent('<img src=x onerror="alert(1)">');
    expect(container.querySelector('img')).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Restore version 1' }));
    await userEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Restore' }));
    expect(await screen.findByText('Version 1 restored as version 3.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      content: samplePrompt.content,
      title: samplePrompt.title,
      enabled: false,
    });
    expect(screen.getByTestId('current-version')).toHaveTextContent('Current version: 3');
  });
});
