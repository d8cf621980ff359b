#!/usr/bin/env node
// End-to-end test of storybot's Telegram channel in long-polling mode against the third-party
// Bot API emulator `telegram-test-api` (npm, 4.2.1). See README.md next to this file.
//
// The emulator runs in this process; the REAL storybot binary runs as a child process and talks to
// it through STORYBOT_TELEGRAM_API_URL. A "user" writes to the bot through the emulator's client
// API (POST /sendMessage) and we read the bot's replies through it (POST /getUpdates).
//
// Environment: STORYBOT_BIN (default <repo>/build/storybot), TELEGRAM_E2E_KEEP_TMP=1 keeps the
// temporary data/log directory even on success.

import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import TelegramServer from 'telegram-test-api';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..', '..');
const STORYBOT_BIN = process.env.STORYBOT_BIN || path.join(REPO, 'build', 'storybot');
const START_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 30_000;
const QUIET_MS = 3_000; // after a reply: how long we keep listening for extra (duplicate) replies
const STOP_TIMEOUT_MS = 15_000;

const log = (msg) => console.log(`[telegram-e2e] ${msg}`);
const step = (msg) => log(`step: ${msg}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class TestFailure extends Error {}
function check(condition, message) {
  if (!condition) throw new TestFailure(message);
}

// ---------------------------------------------------------------------------------------------
// State shared with the cleanup paths.
let emulator = null;
let child = null;
let childExit = null; // Promise<{code, signal}>
let tmpDir = null;
let stdoutText = '';
let stderrText = '';
const apiCalls = []; // every HTTP request the emulator answered: {t, method, url, botMethod, status}

function killChildHard() {
  if (child && child.exitCode === null && child.signalCode === null) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killChildHard);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`interrupted by ${sig}; stopping storybot and the emulator` + (tmpDir ? ` (data and logs kept in ${tmpDir})` : ''));
    killChildHard();
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startEmulator() {
  let lastError;
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freePort();
    // storeTimeout: the emulator drops stored messages older than this (seconds); keep them all run.
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 3600 });
    try {
      await server.start();
    } catch (e) {
      lastError = e;
      if (e && e.code === 'EADDRINUSE') continue; // lost the race for the port: pick another
      throw e;
    }
    // Observe (never alter) every request the emulator answers.
    server.server.on('request', (req, res) => {
      const t = Date.now();
      res.on('finish', () => {
        const m = /^\/bot[^/]+\/([^/?]+)/.exec(req.url || '');
        apiCalls.push({ t, method: req.method, url: (req.url || '').replace(/\/bot[^/]+\//, '/bot<token>/'),
          botMethod: m ? m[1] : null, status: res.statusCode });
      });
    });
    return { server, port };
  }
  throw lastError;
}

async function emulatorPost(port, route, body) {
  const res = await fetch(`http://127.0.0.1:${port}${route}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  check(res.status === 200, `emulator ${route} answered HTTP ${res.status}: ${text}`);
  const json = JSON.parse(text);
  check(json.ok === true, `emulator ${route} answered ok=false: ${text}`);
  return json.result;
}

// ---------------------------------------------------------------------------------------------
function startStorybot({ emulatorPort, botToken }) {
  check(fs.existsSync(STORYBOT_BIN), `storybot binary not found: ${STORYBOT_BIN} (build it, or set STORYBOT_BIN)`);
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'storybot-telegram-e2e-'));
  const dataDir = path.join(tmpDir, 'data');
  const logDir = path.join(tmpDir, 'logs');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(logDir);

  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('STORYBOT_')) env[k] = v; // no inherited storybot settings (LLM URL, mode, …)
  }
  Object.assign(env, {
    STORYBOT_HTTP_HOST: '127.0.0.1',
    STORYBOT_HTTP_PORT: '0',
    STORYBOT_DATA_DIR: dataDir,
    STORYBOT_LOG_DIR: logDir,
    STORYBOT_LOG_LEVEL: 'debug',
    STORYBOT_ADMIN_TOKEN: randomBytes(24).toString('hex'),
    STORYBOT_TELEGRAM_BOT_TOKEN: botToken,
    STORYBOT_TELEGRAM_MODE: 'polling',
    STORYBOT_TELEGRAM_API_URL: `http://127.0.0.1:${emulatorPort}`,
  });

  child = spawn(STORYBOT_BIN, [], { cwd: tmpDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  childExit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => { stderrText += d; });
  child.stdout.setEncoding('utf8');

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new TestFailure(`storybot did not print "storybot listening on http://HOST:PORT" within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    child.once('error', (e) => { clearTimeout(timer); reject(new TestFailure(`cannot start ${STORYBOT_BIN}: ${e.message}`)); });
    childExit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new TestFailure(`storybot exited before listening (code ${code}, signal ${signal})`));
    });
    child.stdout.on('data', (d) => {
      stdoutText += d;
      const m = /storybot listening on http:\/\/([^\s:/]+):(\d+)/.exec(stdoutText);
      if (m) {
        clearTimeout(timer);
        resolve({ host: m[1], port: Number(m[2]) });
      }
    });
  });
}

async function stopStorybot() {
  if (!child || child.exitCode !== null || child.signalCode !== null) return childExit ? childExit : null;
  child.kill('SIGTERM');
  const result = await Promise.race([childExit, sleep(STOP_TIMEOUT_MS).then(() => null)]);
  if (result === null) {
    killChildHard();
    await childExit;
    throw new TestFailure(`storybot did not exit within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (killed with SIGKILL)`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/gu;
const cjkCount = (s) => (s.match(CJK) || []).length;

// Sends `text` as the user and collects the bot's messages to this chat: waits up to
// REPLY_TIMEOUT_MS for the first one, then QUIET_MS more to catch any extra (duplicate) reply.
async function ask(ctx, text) {
  const sentAt = Date.now();
  await emulatorPost(ctx.emulatorPort, '/sendMessage', {
    botToken: ctx.botToken,
    from: ctx.user,
    chat: ctx.chat,
    text,
    date: Math.floor(sentAt / 1000),
  });
  const replies = [];
  const deadline = sentAt + REPLY_TIMEOUT_MS;
  let quietUntil = null;
  for (;;) {
    const got = await emulatorPost(ctx.emulatorPort, '/getUpdates', { token: ctx.botToken, chatId: ctx.chat.id });
    for (const item of got) replies.push(item);
    const now = Date.now();
    if (replies.length > 0 && quietUntil === null) quietUntil = now + QUIET_MS;
    if (quietUntil !== null && now >= quietUntil) break;
    if (replies.length === 0 && now >= deadline) break;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new TestFailure(`storybot exited (code ${child.exitCode}, signal ${child.signalCode}) while we waited for the reply to ${JSON.stringify(text)}`);
    }
    await sleep(200);
  }
  const firstAt = replies.length ? replies[0].time : null;
  log(`  "${text}" → ${replies.length} bot message(s)` + (firstAt ? `, first after ${firstAt - sentAt} ms` : ''));
  check(replies.length > 0, `no reply to ${JSON.stringify(text)} within ${REPLY_TIMEOUT_MS / 1000} s`);
  for (const r of replies) {
    check(String(r.message.chat_id) === String(ctx.chat.id), `reply went to chat ${r.message.chat_id}, expected ${ctx.chat.id}`);
    check(typeof r.message.text === 'string', `reply without text: ${JSON.stringify(r.message)}`);
  }
  check(replies.length === 1,
    `expected exactly one reply to ${JSON.stringify(text)}, got ${replies.length}:\n` +
    replies.map((r, i) => `  #${i + 1}: ${JSON.stringify(r.message.text.slice(0, 120))}…`).join('\n'));
  return replies[0].message.text;
}

function preview(text, n = 160) {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > n ? `${flat.slice(0, n)}…` : flat;
}

// ---------------------------------------------------------------------------------------------
async function run() {
  step(`storybot binary: ${STORYBOT_BIN}`);
  check(fs.existsSync(STORYBOT_BIN), `storybot binary not found: ${STORYBOT_BIN} (build it, or set STORYBOT_BIN)`);

  step('start the telegram-test-api emulator on 127.0.0.1 (free port)');
  const { server, port: emulatorPort } = await startEmulator();
  emulator = server;
  log(`  emulator on http://127.0.0.1:${emulatorPort}`);

  // Any token the emulator accepts: it takes whatever sits between /bot and the next slash.
  const botToken = `${randomInt(100000000, 999999999)}:AA${randomBytes(16).toString('hex')}`;

  step('start storybot (polling mode, offline storyteller, temporary data and log dirs)');
  const listening = await startStorybot({ emulatorPort, botToken });
  log(`  storybot listening on http://${listening.host}:${listening.port}; tmp dir ${tmpDir}`);

  step('GET /healthz');
  const health = await fetch(`http://${listening.host}:${listening.port}/healthz`);
  check(health.status === 200, `/healthz answered ${health.status}`);

  const chatId = randomInt(100000, 999999999);
  const ctx = {
    emulatorPort,
    botToken,
    chat: { id: chatId, type: 'private', first_name: '小明', username: 'xiaoming_e2e' },
    user: { id: chatId, is_bot: false, first_name: '小明', username: 'xiaoming_e2e', language_code: 'zh-hans' },
  };

  step('user sends "/story 小兔子"; expect one Chinese story about 小兔子');
  const story = await ask(ctx, '/story 小兔子');
  log(`  reply (${story.length} chars, ${cjkCount(story)} CJK): ${preview(story)}`);
  check(story.includes('小兔子'), `the story does not mention 小兔子: ${preview(story, 400)}`);
  check(cjkCount(story) >= 200, `the story is too short to be a story: ${cjkCount(story)} CJK characters: ${preview(story, 400)}`);

  step('user sends "/help"; expect the command list');
  const help = await ask(ctx, '/help');
  log(`  reply: ${preview(help)}`);
  for (const command of ['/story', '/continue', '/themes', '/reset']) {
    check(help.includes(command), `the help text does not list ${command}: ${help}`);
  }

  step('user sends "/continue"; expect chapter two (第二章)');
  const chapter = await ask(ctx, '/continue');
  log(`  reply (${chapter.length} chars, ${cjkCount(chapter)} CJK): ${preview(chapter)}`);
  check(chapter.includes('第二章'), `the /continue reply is not chapter two (no 第二章): ${preview(chapter, 400)}`);
  check(cjkCount(chapter) >= 100, `chapter two is too short: ${cjkCount(chapter)} CJK characters`);
  check(chapter !== story, 'chapter two repeats the first story word for word');

  step('emulator state: every user message fetched by storybot, exactly 3 bot messages in total');
  const history = await emulatorPost(emulatorPort, '/getUpdatesHistory', { token: botToken });
  const userMsgs = history.filter((u) => u.message && u.message.chat && 'text' in u.message && !('chat_id' in u.message));
  const botMsgs = history.filter((u) => u.message && 'chat_id' in u.message);
  const unread = userMsgs.filter((u) => !u.isRead);
  check(unread.length === 0, `storybot never fetched ${unread.length} user message(s): ${unread.map((u) => u.message.text).join(', ')}`);
  check(botMsgs.length === 3, `expected 3 bot messages in the emulator, found ${botMsgs.length}`);

  step('storybot polls without spinning although the emulator answers getUpdates at once');
  const polls = apiCalls.filter((c) => c.botMethod === 'getUpdates');
  const spanS = Math.max(1, (Date.now() - (polls[0]?.t ?? Date.now())) / 1000);
  const rate = polls.length / spanS;
  log(`  ${polls.length} getUpdates calls in ${spanS.toFixed(1)} s (${rate.toFixed(2)}/s)`);
  check(rate <= 5, `storybot calls getUpdates ${rate.toFixed(1)} times a second against an emulator that answers at once (spinning)`);

  step('stop storybot with SIGTERM; expect exit code 0');
  const { code, signal } = await stopStorybot();
  check(code === 0 && signal === null, `storybot exited with code ${code}, signal ${signal} after SIGTERM (expected 0)`);
}

function summarizeApiCalls() {
  const counts = new Map();
  for (const c of apiCalls) {
    const key = `${c.method} ${c.botMethod ? `/bot<token>/${c.botMethod}` : c.url} → ${c.status}`;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  return [...counts.entries()].map(([k, n]) => `    ${n} × ${k}`).join('\n');
}

function dumpDiagnostics() {
  const tail = (s, n) => s.split('\n').slice(-n).join('\n');
  console.error('[telegram-e2e] ---- requests the emulator answered ----');
  console.error(summarizeApiCalls() || '    (none)');
  console.error('[telegram-e2e] ---- storybot stdout (tail) ----');
  console.error(tail(stdoutText, 20));
  console.error('[telegram-e2e] ---- storybot stderr (tail) ----');
  console.error(tail(stderrText, 60));
  if (tmpDir) {
    const ndjson = path.join(tmpDir, 'logs', 'storybot.ndjson');
    console.error(`[telegram-e2e] ---- ${ndjson} (tail) ----`);
    try { console.error(tail(fs.readFileSync(ndjson, 'utf8'), 80)); } catch (e) { console.error(`    (${e.message})`); }
  }
}

let failed = false;
try {
  await run();
} catch (e) {
  failed = true;
  console.error(`[telegram-e2e] FAIL: ${e instanceof TestFailure ? e.message : (e && e.stack) || e}`);
  try { await stopStorybot(); } catch (stopError) { console.error(`[telegram-e2e] also: ${stopError.message}`); }
  dumpDiagnostics();
} finally {
  killChildHard();
  if (emulator) {
    step('stop the emulator');
    try { await emulator.stop(); } catch (e) { console.error(`[telegram-e2e] emulator stop failed: ${e.message}`); }
  }
  if (tmpDir) {
    if (failed || process.env.TELEGRAM_E2E_KEEP_TMP) log(`kept ${tmpDir} (data and logs)`);
    else fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (failed) {
  console.error('[telegram-e2e] FAILED');
  process.exit(1);
}
log('requests the emulator answered:\n' + summarizeApiCalls());
log('PASS');
process.exit(0);
