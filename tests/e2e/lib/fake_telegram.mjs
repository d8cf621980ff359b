// A fake Telegram Bot API on loopback for the admin panel's e2e tests, and real deliveries to
// storybot's webhook.

import http from 'node:http';

export const FAKE_BOT_TOKEN = '123456:E2E-token_abcdefghijklmnop';
export const TELEGRAM_SECRET = 'e2e-webhook-secret_1';

/**
 * A fake Telegram Bot API on loopback (/bot<token>/<method>): every method answers ok, except
 * sendMessage while `refuse` is set, which answers 400 "chat not found" as Telegram does for a
 * chat the bot cannot reach, and while `failing` is set, which answers 500 (a passing outage:
 * storybot retries). Accepted messages are recorded per chat.
 */
export function startFakeTelegram() {
  const state = { refuse: false, failing: false, sent: [], refused: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      const reply = (status, json) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (!match || match[1] !== FAKE_BOT_TOKEN) return reply(404, { ok: false, error_code: 404, description: 'Not Found' });
      const method = match[2];
      if (method === 'getMe') return reply(200, { ok: true, result: { id: 1, is_bot: true, first_name: 'Story', username: 'E2EBot' } });
      if (method === 'sendMessage') {
        if (state.failing) {
          return reply(500, { ok: false, error_code: 500, description: 'Internal Server Error' });
        }
        if (state.refuse) {
          state.refused += 1;
          return reply(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        }
        let params = {};
        try {
          params = JSON.parse(body);
        } catch {}
        state.sent.push({ chatId: String(params.chat_id), text: String(params.text ?? '') });
        return reply(200, { ok: true, result: { message_id: state.sent.length, date: 0, chat: { id: params.chat_id, type: 'private' } } });
      }
      return reply(200, { ok: true, result: true });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ baseUrl: `http://127.0.0.1:${port}`, state, close: () => server.close() });
    });
  });
}

/** The storybot environment that points its Telegram channel (webhook mode) at the fake API. */
export const telegramEnv = (telegram) => ({
  STORYBOT_TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
  STORYBOT_TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
  STORYBOT_TELEGRAM_API_URL: telegram.baseUrl,
});

/** POSTs a private-chat message from Ada (update `id`, chat `chat`) to storybot's /telegram/webhook; returns the response. */
export function deliverTelegram(baseUrl, id, chat, text) {
  const update = {
    update_id: id,
    message: {
      message_id: id * 10,
      date: 1700000000,
      from: { id: chat, is_bot: false, first_name: 'Ada', language_code: 'en' },
      chat: { id: chat, type: 'private' },
      text,
    },
  };
  return fetch(`${baseUrl}/telegram/webhook`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': TELEGRAM_SECRET },
    body: JSON.stringify(update),
  });
}
