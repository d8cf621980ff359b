// Fake Telegram Bot API for make bench: answers {"ok":true,"result":...} to every method at
// /bot<token>/<method>, instantly. storybot only needs it to exist: its replies are paced to 30/s, so how
// fast this answers does not limit webhook ingest. GET /counts returns the calls per method as JSON.
// Usage: node fake_bot_api.js PORT   (prints "fake bot api listening on http://127.0.0.1:PORT")
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
const counts = {};
let nextMessageId = 1;

function result(method, params) {
  if (method === 'getMe') {
    return { id: 123, is_bot: true, first_name: 'Bench', username: 'bench_bot' };
  }
  if (method === 'sendMessage') {
    return { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000),
      chat: { id: params.chat_id, type: 'private' }, text: params.text };
  }
  return true;  // setMyCommands, sendChatAction and the rest answer a plain true
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/counts') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(counts));
      return;
    }
    const method = req.url.split('?')[0].split('/').pop();
    counts[method] = (counts[method] || 0) + 1;
    let params = {};
    try { params = JSON.parse(Buffer.concat(chunks).toString() || '{}'); } catch (e) { /* form or empty */ }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: true, result: result(method, params) }));
  });
}).listen(port, '127.0.0.1', 4096, () => console.log(`fake bot api listening on http://127.0.0.1:${port}`));
