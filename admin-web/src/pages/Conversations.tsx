import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { listConversations, resetConversation } from '../api/endpoints';
import type { Conversation, ConversationQuery } from '../api/types';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import { Link } from '../routing/router';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formatTime } from '../ui/formatTime';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';
import { conversationName, lastMessage } from './conversationText';

const CHANNELS = ['telegram', 'slack', 'webhook', 'discord'] as const;
export const PAGE_SIZE = 20;

type Channel = NonNullable<ConversationQuery['channel']>;
interface Filters {
  channel: Channel | '';
  user: string;
  q: string;
}

type State = { state: 'loading' } | { state: 'ok'; conversations: Conversation[] } | { state: 'failed' };

/** Conversations, newest first: filter by channel, user and text; page; open a transcript; reset. */
export function Conversations() {
  const { t, language } = useI18n();
  const { token } = useAuth();
  const { canWrite } = useMe();
  const report = useErrorReporter();
  const toasts = useToasts();
  const [draft, setDraft] = useState<Filters>({ channel: '', user: '', q: '' });
  const [applied, setApplied] = useState<Filters>(draft);
  const [offset, setOffset] = useState(0);
  const [result, setResult] = useState<State>({ state: 'loading' });
  const [toReset, setToReset] = useState<Conversation | null>(null);

  const load = useCallback(async () => {
    setResult({ state: 'loading' });
    try {
      const { data } = await listConversations(token, {
        limit: PAGE_SIZE,
        offset,
        channel: applied.channel || undefined,
        user: applied.user.trim() || undefined,
        q: applied.q.trim() || undefined,
      });
      setResult({ state: 'ok', conversations: data });
    } catch (error) {
      setResult({ state: 'failed' });
      report(t('conversations.failed'), error);
    }
  }, [token, applied, offset, report, t]);

  useEffect(() => {
    void load();
  }, [load]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setOffset(0);
    setApplied({ ...draft });
  }

  async function confirmReset() {
    const conversation = toReset;
    setToReset(null);
    if (!conversation) return;
    try {
      await resetConversation(token, conversation.id);
      toasts.show('success', t('conversations.wasReset', { name: conversationName(conversation) }));
      // Updated in place (no reload), so focus can go back to the row's Reset button.
      setResult((old) =>
        old.state === 'ok'
          ? {
              state: 'ok',
              conversations: old.conversations.map((c) =>
                c.id === conversation.id ? { ...c, has_story: false, chapter: 0 } : c,
              ),
            }
          : old,
      );
    } catch (error) {
      report(t('conversations.resetFailed'), error);
    }
  }

  const conversations = result.state === 'ok' ? result.conversations : [];
  return (
    <main id="main">
      <h1>{t('conversations.title')}</h1>
      <form className="card filters" role="search" onSubmit={onSubmit} aria-label={t('conversations.filters')}>
        <div>
          <label htmlFor="conv-channel">{t('conversations.channel')}</label>
          <select
            id="conv-channel"
            value={draft.channel}
            onChange={(e) => setDraft({ ...draft, channel: e.target.value as Channel | '' })}
          >
            <option value="">{t('conversations.allChannels')}</option>
            {CHANNELS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="conv-user">{t('conversations.user')}</label>
          <input
            id="conv-user"
            value={draft.user}
            maxLength={200}
            aria-describedby="conv-user-hint"
            onChange={(e) => setDraft({ ...draft, user: e.target.value })}
          />
          <p id="conv-user-hint" className="hint">
            {t('conversations.userHint')}
          </p>
        </div>
        <div>
          <label htmlFor="conv-q">{t('conversations.search')}</label>
          <input
            id="conv-q"
            type="search"
            value={draft.q}
            maxLength={200}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
          />
        </div>
        <button type="submit" className="primary">
          {t('conversations.apply')}
        </button>
      </form>

      {result.state === 'loading' && <Spinner />}
      {result.state === 'failed' && (
        <p className="notice" role="alert">
          {t('conversations.failedNotice')}{' '}
          <button type="button" onClick={() => void load()}>
            {t('conversations.retry')}
          </button>
        </p>
      )}
      {result.state === 'ok' && conversations.length === 0 && <p className="empty">{t('conversations.empty')}</p>}
      {conversations.length > 0 && (
        <ul className="conversations" aria-label={t('conversations.listLabel')}>
          {conversations.map((conversation) => {
            const last = lastMessage(conversation);
            const name = conversationName(conversation);
            return (
              <li key={conversation.id} className="card" data-testid={`conversation-${conversation.id}`}>
                <h2 className="small-heading">
                  <span className="badge">{conversation.channel}</span> {name}
                </h2>
                <p className="hint">
                  <time dateTime={conversation.updated_at}>{formatTime(conversation.updated_at, language)}</time>
                  {' · '}
                  {t('conversations.messageCount', { n: conversation.message_count })}
                  {' · '}
                  {conversation.has_story
                    ? t('conversations.storyChapter', { n: conversation.chapter })
                    : t('conversations.noStory')}
                </p>
                {last && <p className="message-text preview">{last.content}</p>}
                <div className="row">
                  <Link to={`/conversations/${conversation.id}`} className="button" aria-label={t('conversations.openLabel', { name })}>
                    {t('conversations.open')}
                  </Link>
                  {canWrite && (
                    <button
                      type="button"
                      className="danger"
                      aria-label={t('conversations.resetLabel', { name })}
                      onClick={() => setToReset(conversation)}
                    >
                      {t('conversations.reset')}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {result.state === 'ok' && (offset > 0 || conversations.length === PAGE_SIZE) && (
        <nav className="row between" aria-label={t('conversations.pages')}>
          <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
            {t('conversations.newer')}
          </button>
          <span>{t('conversations.range', { from: offset + 1, to: offset + conversations.length })}</span>
          <button type="button" disabled={conversations.length < PAGE_SIZE} onClick={() => setOffset(offset + PAGE_SIZE)}>
            {t('conversations.older')}
          </button>
        </nav>
      )}
      {toReset && (
        <ConfirmDialog
          message={t('conversations.confirmReset', { name: conversationName(toReset) })}
          confirmLabel={t('conversations.reset')}
          danger
          onConfirm={() => void confirmReset()}
          onCancel={() => setToReset(null)}
        />
      )}
    </main>
  );
}
