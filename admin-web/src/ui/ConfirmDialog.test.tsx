import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { Providers } from '../Providers';
import { ConfirmDialog } from './ConfirmDialog';

function Harness() {
  const [open, setOpen] = useState(false);
  return (
    <Providers>
      <main id="main">
        <h1>Page</h1>
        <button type="button" onClick={() => setOpen(true)}>
          Delete it
        </button>
        {open && (
          <ConfirmDialog message="Really?" confirmLabel="Delete" danger onConfirm={() => setOpen(false)} onCancel={() => setOpen(false)} />
        )}
      </main>
    </Providers>
  );
}

describe('ConfirmDialog', () => {
  it('keeps Tab inside, closes on Escape and returns focus to its opener', async () => {
    render(<Harness />);
    const opener = screen.getByRole('button', { name: 'Delete it' });
    await userEvent.click(opener);
    const dialog = screen.getByRole('alertdialog', { name: 'Really?' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    const confirm = screen.getByRole('button', { name: 'Delete' });
    expect(cancel).toHaveFocus();
    await userEvent.tab();
    expect(confirm).toHaveFocus();
    await userEvent.tab();
    expect(cancel).toHaveFocus();
    await userEvent.tab({ shift: true });
    expect(confirm).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(opener).toHaveFocus();
  });
});
