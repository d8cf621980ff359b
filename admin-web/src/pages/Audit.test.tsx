import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { changedFields, type AuditEntry, type AuditPage } from '../api/audit';
import { mockFetch, renderApp } from '../test/helpers';

// Shaped as http/openapi.yaml's AuditEntry (listAudit).
const update: AuditEntry = {
  id: 9,
  at: '2026-01-02T03:04:05.000Z',
  actor: 'ed',
  actor_role: 'editor',
  action: 'prompt.update',
  method: 'PUT',
  route: '/api/prompts/{id}',
  target: '7',
  before: { id: 7, content: 'once', version: 1 },
  after: { id: 7, content: 'twice', version: 2 },
  trace_id: 'trace-audit-9',
};
const discard: AuditEntry = { ...update, id: 8, action: 'job.discard', method: 'DELETE', route: '/api/jobs/{id}', target: '3', before: null, after: null, trace_id: 't-8' };

describe('audit page', () => {
  it('lists who did what, when, with the trace id, and shows before and after', async () => {
    const page: AuditPage = { entries: [update, discard], next_before: null };
    mockFetch((call) => (call.path.startsWith('/api/audit') ? { body: page } : undefined));
    renderApp('/audit');
    expect(await screen.findByRole('heading', { level: 1, name: 'Audit log' })).toBeInTheDocument();
    const row = await screen.findByTestId('audit-row-9');
    for (const text of ['ed', 'editor', 'prompt.update', 'PUT /api/prompts/{id}', '7', 'trace-audit-9']) {
      expect(row).toHaveTextContent(text);
    }
    expect(document.title).toContain('Audit log');
    expect(screen.getByRole('link', { name: 'Audit log' })).toHaveAttribute('aria-current', 'page');
    // Folded until opened from the keyboard.
    const summary = within(row).getByText('Before and after (entry 9)');
    summary.focus();
    await userEvent.keyboard('{Enter}');
    expect(within(row).getByTestId('changed-fields')).toHaveTextContent('Changed: content, version');
    expect(within(row).getByTestId('audit-before')).toHaveTextContent('"content": "once"');
    expect(within(row).getByTestId('audit-after')).toHaveTextContent('"content": "twice"');
    expect(screen.getByTestId('audit-row-8')).toHaveTextContent('No details');
    expect(screen.queryByRole('button', { name: 'Older entries' })).toBeNull();
  });

  it('filters by admin and pages back with before=', async () => {
    const calls = mockFetch((call) => {
      if (call.path.includes('before=9')) return { body: { entries: [discard], next_before: null } };
      if (call.path.startsWith('/api/audit')) return { body: { entries: [update], next_before: 9 } };
      return undefined;
    });
    renderApp('/audit');
    await screen.findByTestId('audit-row-9');
    await userEvent.click(screen.getByRole('button', { name: 'Older entries' }));
    expect(await screen.findByTestId('audit-row-8')).toBeInTheDocument();
    expect(screen.getByTestId('audit-row-9')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Admin name'), 'ed');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(calls.some((c) => c.path === '/api/audit?limit=50&actor=ed')).toBe(true));
  });

  it('speaks Chinese', async () => {
    mockFetch((call) => (call.path.startsWith('/api/audit') ? { body: { entries: [update], next_before: null } } : undefined));
    renderApp('/audit');
    await screen.findByTestId('audit-row-9');
    await userEvent.selectOptions(screen.getByLabelText('Language'), 'zh');
    expect(await screen.findByRole('heading', { level: 1, name: '审计日志' })).toBeInTheDocument();
    expect(screen.getByRole('columnheader', { name: '追踪 ID' })).toBeInTheDocument();
  });
});

describe('changedFields', () => {
  it('names changed, added and removed fields', () => {
    expect(changedFields({ a: 1, b: [1], c: 'x' }, { a: 1, b: [2], d: true })).toEqual(['b', 'c', 'd']);
    expect(changedFields(null, { a: 1 })).toEqual(['a']);
    expect(changedFields({ a: { x: 1 } }, { a: { x: 1 } })).toEqual([]);
  });
});
