import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockFetch, renderApp } from '../test/helpers';

describe('language', () => {
  afterEach(() => vi.restoreAllMocks());

  it('follows a Chinese browser', () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('zh-CN');
    mockFetch(() => ({ body: [] }));
    renderApp('/', null);
    expect(screen.getByLabelText('管理员令牌')).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('switches and keeps the choice in localStorage', async () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('en-US');
    mockFetch(() => ({ body: [] }));
    const first = renderApp('/', null);
    expect(screen.getByLabelText('Admin token')).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText('Language'), 'zh');
    expect(screen.getByRole('button', { name: '登录' })).toBeInTheDocument();
    expect(localStorage.getItem('storybot.admin.language')).toBe('zh');

    first.unmount();
    renderApp('/', null);
    expect(screen.getByLabelText('管理员令牌')).toBeInTheDocument();
  });
});
