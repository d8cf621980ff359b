// Stories/s for make bench: delivers N Telegram updates from N different chats ("a story about owls") to
// storybot's webhook as fast as CONC keep-alive connections allow, then polls /metrics until
// storybot_story_duration_seconds_count{engine="openai"} reaches N (bounded by TIMEOUT_S).
// stories/s = N / (time from the first delivery sent to the poll that saw the N-th story).
// Usage: node stories.js BASE_URL SECRET [N=1000] [CONC=50] [TIMEOUT_S=120]
// Prints key=value lines for bench/run.sh.
'use strict';
const http = require('http');

const [base, secret] = process.argv.slice(2, 4);
const total = Number(process.argv[4] || 1000);
const conc = Number(process.argv[5] || 50);
const timeoutS = Number(process.argv[6] || 120);
const url = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: conc });

function request(method, path, body, headers) {
  return new Promise((resolve) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => resolve({ status: 0, body: String(e) }));
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

function update(i) {
  const chat = 500000 + i;  // one chat per update: no per-chat ordering serialises the stories
  return JSON.stringify({ update_id: 7e9 + i, message: { message_id: 1, date: 1764100000,
    chat: { id: chat, type: 'private', first_name: 'Owl' },
    from: { id: chat, is_bot: false, first_name: 'Owl', language_code: 'en' }, text: 'a story about owls' } });
}

// The value of one sample line of the Prometheus text, e.g. metric('x_count', 'engine="openai"'); 0 if absent.
function metric(text, name, labels) {
  for (const line of text.split('\n')) {
    if (line.startsWith(name + '{') && line.includes(labels)) return Number(line.split(' ').pop());
  }
  return 0;
}

async function main() {
  const statuses = {};
  let next = 0;
  const t0 = process.hrtime.bigint();
  async function worker() {
    while (next < total) {
      const i = next++;
      const r = await request('POST', '/telegram/webhook', update(i),
        { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': secret });
      statuses[r.status] = (statuses[r.status] || 0) + 1;
      if (r.status !== 200 && !statuses.first_error) statuses.first_error = `${r.status} ${r.body.slice(0, 200)}`;
    }
  }
  await Promise.all(Array.from({ length: conc }, worker));
  const secs = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const deliverS = secs();

  // Poll every 50 ms: the resolution of the end time, small next to the >= 1 s a story takes.
  let stories = 0;
  let metrics = '';
  while (secs() < timeoutS) {
    const r = await request('GET', '/metrics', undefined, {});
    metrics = r.body;
    stories = metric(metrics, 'storybot_story_duration_seconds_count', 'engine="openai"');
    if (stories >= total) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const doneS = secs();
  const ok = statuses[200] || 0;
  const firstError = statuses.first_error || '';
  delete statuses.first_error;
  const out = {
    stories_delivered_200: ok,
    stories_statuses: Object.entries(statuses).map(([k, v]) => `${k}:${v}`).join(' '),
    stories_first_error: firstError.replace(/\s+/g, ' '),
    stories_deliver_s: deliverS.toFixed(3),
    stories_done: stories,
    stories_elapsed_s: doneS.toFixed(3),
    stories_per_s: stories >= total ? (total / doneS).toFixed(0) : '',
    stories_timed_out: stories >= total ? 0 : 1,
    stories_llm_success: metric(metrics, 'storybot_llm_requests_total', 'outcome="success"'),
    stories_llm_retry: metric(metrics, 'storybot_llm_requests_total', 'outcome="retry"'),
    stories_llm_error: metric(metrics, 'storybot_llm_requests_total', 'outcome="error"'),
    stories_llm_fallback: metric(metrics, 'storybot_llm_requests_total', 'outcome="fallback"'),
    stories_offline: metric(metrics, 'storybot_story_duration_seconds_count', 'engine="offline"'),
  };
  for (const [k, v] of Object.entries(out)) console.log(`${k}=${v}`);
  agent.destroy();
}

main();
