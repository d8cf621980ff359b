import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { listConversations } from '../api/endpoints';
import { useErrorReporter } from '../api/useErrorReporter';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';
import { formatTime } from '../ui/formatTime';
import { NotAvailable } from '../ui/NotAvailable';
import { Spinner } from '../ui/Spinner';
import { normalizeConversations, type Conversation } from './conversationShape';

const CHANNELS = ['telegram', 'slack', 'webhook', 'discord'];

type State =
  | { state: 'loading' }
  | { state: 'ok'; conversations: Conversation[] }
  | { state: 'unavailable' }
  | { state: 'failed' };

export function Conversations() {
  const { t, language } = useI18n();
  const { token } = useAuth();
  const report = useErrorReporter();
  const [channel, setChannel] = useState('');
  const [limit, setLimit] = useState(20);
  const [result, setResult] = useState<State>({ state: 'loading' });

  const load = useCallback(
    async (wantedChannel: string, wantedLimit: number) => {
      setResult({ state: 'loading' });
      try {
        const { data } = await listConversations(token, wantedLimit, wantedChannel);
        setResult({ state: 'ok', conversations: normalizeConversations(data) });
      } catch (error) {
        if (error instanceof ApiError && error.isMissingEndpoint) {
          setResult({ state: 'unavailable' });
        } else {
          setResult({ state: 'failed' });
          report(t('conversations.failed'), error);
        }
      }
    },
    [token, report, t],
  );

  useEffect(() => {
    void load('', 20);
    // First load only; the form reloads with the chosen filters.
  }, [token]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void load(channel, limit);
  }

  return (
    <main id="main">
      <h1>{t('conversations.title')}</h1>
      <form className="card filters" onSubmit={onSubmit} aria-label={t('conversations.title')}>
        <div>
          <label htmlFor="conv-channel">{t('conversations.channel')}</label>
          <select id="conv-channel" value={channel} onChange={(e) => setChannel(e.target.value)}>
            <option value="">{t('conversations.allChannels')}</option>
            {CHANNELS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="conv-limit">{t('conversations.limit')}</label>
          <input
            id="conv-limit"
            type="number"
            min={1}
            max={200}
            value={limit}
            onChange={(e) => setLimit(Math.min(200, Math.max(1, Number(e.target.value) || 1)))}
          />
        </div>
        <button type="submit">{t('conversations.refresh')}</button>
      </form>

      {result.state === 'loading' && <Spinner />}
      {result.state === 'unavailable' && <NotAvailable />}
      {result.state === 'ok' && result.conversations.length === 0 && (
        <p className="empty">{t('conversations.empty')}</p>
      )}
      {result.state === 'ok' && (
        <ul className="conversations">
          {result.conversations.map((conversation) => (
            <li key={conversation.key} className="card">
              <h2 className="small-heading">
                <span className="badge">{conversation.channel}</span> {conversation.title}
              </h2>
              {conversation.updatedAt && (
                <p className="hint">
                  <time dateTime={conversation.updatedAt}>{formatTime(conversation.updatedAt, language)}</time>
                </p>
              )}
              {conversation.messages.length === 0 ? (
                <p className="hint">{t('conversations.noMessages')}</p>
              ) : (
                <ol className="messages" aria-label={t('conversations.messages')}>
                  {conversation.messages.map((message, index) => (
                    <li key={index} className={`message message-${message.side}`}>
                      <span className="message-author">{message.author}</span>
                      <span className="message-text">{message.text}</span>
                      {message.at && <time dateTime={message.at}>{formatTime(message.at, language)}</time>}
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
