import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Integration, IntegrationWithSecret } from '../api/integrations';
import { errorBody, mockFetch, renderApp } from '../test/helpers';

const acme: Integration = {
  name: 'acme',
  callback_allowlist: ['10.0.0.0/8'],
  created_at: '2026-01-02T03:04:05Z',
  rotated_at: null,
  previous_secret_expires_at: null,
  webhook_url: '/webhooks/acme',
};
const SECRET = 'whsec_c2VjcmV0LW9uZS1zZWNyZXQtb25lLXNlY3JldC1vbmUh';
const NEW_SECRET = 'whsec_bmV3LXNlY3JldC1uZXctc2VjcmV0LW5ldy1zZWNyZXQh';

describe('integrations page', () => {
  it('creates an integration and shows its secret once, with a warning and a copy button', async () => {
    const created: IntegrationWithSecret = { ...acme, name: 'shop', callback_allowlist: ['127.0.0.1', 'hooks.internal'], webhook_url: '/webhooks/shop', secret: SECRET };
    const calls = mockFetch((call) => {
      if (call.method === 'POST' && call.path === '/api/integrations') return { status: 201, body: created };
      if (call.path === '/api/integrations') return { body: [acme] };
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/integrations');
    expect(await screen.findByTestId('integration-row-acme')).toHaveTextContent('10.0.0.0/8');

    await user.type(screen.getByLabelText('Name'), 'shop');
    await user.type(screen.getByLabelText('Callback allowlist'), '127.0.0.1\nhooks.internal');
    await user.click(screen.getByRole('button', { name: 'Create integration' }));

    const panel = await screen.findByTestId('secret-panel');
    expect(within(panel).getByTestId('integration-secret')).toHaveTextContent(SECRET);
    expect(panel).toHaveTextContent('It will not be shown again');
    expect(within(panel).getByRole('heading', { name: 'Signing secret of “shop”' })).toHaveFocus();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'shop', callback_allowlist: ['127.0.0.1', 'hooks.internal'] });
    // The list row never carries the secret.
    expect(screen.getByTestId('integration-row-shop')).not.toHaveTextContent(SECRET);

    await user.click(within(panel).getByRole('button', { name: 'Copy secret' }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(within(panel).getByRole('button', { name: 'Copied' })).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'I have stored it' }));
    expect(screen.queryByTestId('secret-panel')).toBeNull();
    expect(document.body).not.toHaveTextContent(SECRET);

    // A fresh load (a reload) has no way to show it: the list has no secret and nothing was stored.
    cleanup();
    renderApp('/integrations');
    await screen.findByTestId('integration-row-acme');
    expect(screen.queryByTestId('secret-panel')).toBeNull();
    expect(JSON.stringify({ ...sessionStorage, ...localStorage })).not.toContain(SECRET);
  });

  it('rotates after confirmation and says until when the old secret works', async () => {
    const expires = '2026-01-03T03:04:05Z';
    const calls = mockFetch((call) => {
      if (call.method === 'POST' && call.path === '/api/integrations/acme/rotate') {
        return { body: { ...acme, rotated_at: '2026-01-02T03:04:05Z', previous_secret_expires_at: expires, secret: NEW_SECRET } };
      }
      if (call.path === '/api/integrations') return { body: [acme] };
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/integrations');
    const rotate = await screen.findByRole('button', { name: 'Rotate secret of “acme”' });
    await user.click(rotate);
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('keeps working for 24 hours');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.path.endsWith('/rotate'))).toBe(false);
    expect(rotate).toHaveFocus();

    await user.click(rotate);
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Rotate secret' }));
    const panel = await screen.findByTestId('secret-panel');
    expect(within(panel).getByTestId('integration-secret')).toHaveTextContent(NEW_SECRET);
    expect(within(panel).getByTestId('previous-expires')).toHaveTextContent(
      `The previous secret keeps working until ${new Date(expires).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}`,
    );
    expect(screen.getByTestId('integration-row-acme')).toHaveTextContent('Old secret accepted until');
  });

  it('deletes only after confirmation, keeping focus inside the dialog and returning it on cancel', async () => {
    const calls = mockFetch((call) => {
      if (call.method === 'DELETE' && call.path === '/api/integrations/acme') return { status: 204 };
      if (call.path === '/api/integrations') return { body: [acme] };
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/integrations');
    const remove = await screen.findByRole('button', { name: 'Delete integration “acme”' });
    await user.click(remove);
    const dialog = screen.getByRole('alertdialog');
    const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
    const confirm = within(dialog).getByRole('button', { name: 'Delete' });
    expect(cancel).toHaveFocus();
    await user.tab();
    expect(confirm).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus(); // wraps: never leaves the dialog
    await user.tab({ shift: true });
    expect(confirm).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(remove).toHaveFocus();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await user.click(remove);
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Integration “acme” deleted.')).toBeInTheDocument();
    expect(screen.queryByTestId('integration-row-acme')).toBeNull();
    expect(screen.getByRole('heading', { level: 1, name: 'Integrations' })).toHaveFocus();
  });

  it('edits the callback allowlist with PATCH and shows a refused entry next to the field with its trace id', async () => {
    let refuse = true;
    const calls = mockFetch((call) => {
      if (call.method === 'PATCH' && call.path === '/api/integrations/acme') {
        if (refuse) {
          refuse = false;
          return {
            status: 400,
            body: errorBody('invalid_argument', "callback_allowlist: 'no way' is not a host name, address or CIDR block"),
            headers: { 'X-Trace-Id': 'trace-patch' },
          };
        }
        return { body: { ...acme, callback_allowlist: ['127.0.0.1'] } };
      }
      if (call.path === '/api/integrations') return { body: [acme] };
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/integrations');
    await user.click(await screen.findByRole('button', { name: 'Edit allowlist of “acme”' }));
    const dialog = screen.getByRole('dialog', { name: 'Callback allowlist of “acme”' });
    const field = within(dialog).getByLabelText('Callback allowlist');
    expect(field).toHaveFocus();
    expect(field).toHaveValue('10.0.0.0/8');
    await user.clear(field);
    await user.type(field, 'no way');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    const error = await within(dialog).findByTestId('form-error');
    expect(error).toHaveTextContent('is not a host name');
    expect(error).toHaveTextContent('trace-patch');
    expect(field.getAttribute('aria-describedby')).toContain(error.id);
    expect(field).toHaveAttribute('aria-invalid', 'true');

    await user.clear(field);
    await user.type(field, '127.0.0.1');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByTestId('integration-row-acme')).toHaveTextContent('127.0.0.1');
    expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ callback_allowlist: ['127.0.0.1'] });
  });

  it('shows a failed create next to the form with the server message and its trace id', async () => {
    mockFetch((call) => {
      if (call.method === 'POST') {
        return { status: 409, body: errorBody('conflict', 'integration acme already exists'), headers: { 'X-Trace-Id': 'trace-409' } };
      }
      if (call.path === '/api/integrations') return { body: [acme] };
      return undefined;
    });
    const user = userEvent.setup();
    renderApp('/integrations');
    await screen.findByTestId('integration-row-acme');
    await user.type(screen.getByLabelText('Name'), 'acme');
    await user.click(screen.getByRole('button', { name: 'Create integration' }));
    const error = await screen.findByTestId('form-error');
    expect(error).toHaveTextContent('integration acme already exists');
    expect(error).toHaveTextContent('trace-409');
    expect(error).toHaveAttribute('role', 'alert');
    expect(screen.getByLabelText('Name').getAttribute('aria-describedby')).toContain(error.id);
    // Shown once, next to the form: no toast on top of the page's buttons.
    expect(screen.queryByTestId('toast-error')).toBeNull();
    expect(screen.queryByTestId('secret-panel')).toBeNull();
  });
});
