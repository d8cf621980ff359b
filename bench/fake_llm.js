// Fake OpenAI-compatible LLM for make bench: POST /v1/chat/completions answers after DELAY_MS (default
// 1000) with a fixed ~200-word story, like a slow model. It counts requests and the most it ever had in
// flight at once; GET /stats returns {"requests","in_flight","max_in_flight"} as JSON.
// Usage: node fake_llm.js PORT [DELAY_MS]   (prints "fake llm listening on http://127.0.0.1:PORT")
'use strict';
const http = require('http');

const port = Number(process.argv[2]);
const delayMs = Number(process.argv[3] || 1000);

const STORY = ('Once upon a time, in a forest of tall silver birches, there lived a small owl named Pip who ' +
  'could not hoot. Every night the other owls filled the dark with their round, soft calls, and every night ' +
  'Pip opened her beak and nothing came out but a tiny click. ').repeat(3) +
  'One winter evening a fox lost his way in the snow. The owls hooted, but the wind carried their calls ' +
  'away. Pip flew down, landed on the fox\'s ear and clicked, click, click, all the way home. From then on ' +
  'the forest knew: the quietest voice can be the one that leads you home. The end.';

const BODY = JSON.stringify({
  id: 'x', object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: STORY }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 50, completion_tokens: 300, total_tokens: 350 },
});

let requests = 0;
let inFlight = 0;
let maxInFlight = 0;

http.createServer((req, res) => {
  req.resume();  // the prompt is not needed; drain it
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stats') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ requests, in_flight: inFlight, max_in_flight: maxInFlight }));
      return;
    }
    if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":{"message":"not found"}}');
      return;
    }
    requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(BODY);
    }, delayMs);
  });
}).listen(port, '127.0.0.1', 4096, () => console.log(`fake llm listening on http://127.0.0.1:${port}`));
