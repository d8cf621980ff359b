import { useCallback, useEffect, useState } from 'react';
import { getConversation, resetConversation } from '../api/endpoints';
import type { Conversation } from '../api/types';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useMe } from '../auth/MeProvider';
import { useI18n } from '../i18n/I18nProvider';
import { Link } from '../routing/router';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { formatTime } from '../ui/formatTime';
import { Spinner } from '../ui/Spinner';
import { useToasts } from '../ui/Toasts';
import { conversationName } from './conversationText';

type State = { state: 'loading' } | { state: 'ok'; conversation: Conversation } | { state: 'failed' };

/** One conversation's whole transcript, oldest first, with a reset. */
export function Transcript({ conversationId }: { conversationId: number }) {
  const { t, language } = useI18n();
  const { token } = useAuth();
  const { canWrite } = useMe();
  const report = useErrorReporter();
  const toasts = useToasts();
  const [result, setResult] = useState<State>({ state: 'loading' });
  const [confirming, setConfirming] = useState(false);

  const load = useCallback(async () => {
    try {
      const { data } = await getConversation(token, conversationId);
      setResult({ state: 'ok', conversation: data });
    } catch (error) {
      setResult({ state: 'failed' });
      report(t('transcript.failed'), error);
    }
  }, [token, conversationId, report, t]);

  useEffect(() => {
    void load();
  }, [load]);

  async function reset() {
    setConfirming(false);
    try {
      await resetConversation(token, conversationId);
      toasts.show('success', t('transcript.wasReset'));
      await load();
    } catch (error) {
      report(t('conversations.resetFailed'), error);
    }
  }

  const conversation = result.state === 'ok' ? result.conversation : null;
  return (
    <main id="main">
      <p>
        <Link to="/conversations">{t('transcript.back')}</Link>
      </p>
      <h1>{t('transcript.title', { id: conversationId })}</h1>
      {result.state === 'loading' && <Spinner />}
      {result.state === 'failed' && (
        <p className="notice" role="alert">
          {t('transcript.failedNotice')}
        </p>
      )}
      {conversation && (
        <>
          <dl className="data-view card">
            <div className="data-row">
              <dt>{t('transcript.who')}</dt>
              <dd>{conversationName(conversation)}</dd>
            </div>
            <div className="data-row">
              <dt>{t('conversations.channel')}</dt>
              <dd>
                <span className="badge">{conversation.channel}</span> <code>{conversation.chat_id}</code>
              </dd>
            </div>
            <div className="data-row">
              <dt>{t('transcript.story')}</dt>
              <dd>
                {conversation.has_story
                  ? t('conversations.storyChapter', { n: conversation.chapter })
                  : t('conversations.noStory')}
              </dd>
            </div>
            <div className="data-row">
              <dt>{t('transcript.started')}</dt>
              <dd>
                <time dateTime={conversation.created_at}>{formatTime(conversation.created_at, language)}</time>
              </dd>
            </div>
          </dl>
          {canWrite && (
            <div className="row">
              <button type="button" className="danger" onClick={() => setConfirming(true)}>
                {t('conversations.reset')}
              </button>
            </div>
          )}
          <h2>{t('transcript.messages', { n: conversation.messages.length })}</h2>
          {conversation.messages.length === 0 ? (
            <p className="empty">{t('conversations.noMessages')}</p>
          ) : (
            <ol className="messages transcript" data-testid="transcript">
              {conversation.messages.map((message, index) => (
                <li key={index} className={`message message-${message.role === 'assistant' ? 'bot' : 'user'}`}>
                  <span className="message-author">
                    {message.role === 'assistant' ? t('transcript.bot') : message.user_name || message.user_id || t('transcript.user')}
                    {!message.in_story && conversation.has_story && ` · ${t('transcript.outOfStory')}`}
                  </span>
                  <span className="message-text">{message.content}</span>
                  <time dateTime={message.created_at}>{formatTime(message.created_at, language)}</time>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      {confirming && conversation && (
        <ConfirmDialog
          message={t('conversations.confirmReset', { name: conversationName(conversation) })}
          confirmLabel={t('conversations.reset')}
          danger
          onConfirm={() => void reset()}
          onCancel={() => setConfirming(false)}
        />
      )}
    </main>
  );
}
