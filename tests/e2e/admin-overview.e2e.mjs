#!/usr/bin/env node
// Browser end-to-end test of the admin panel's Overview against a real storybot.
//
//   node tests/e2e/admin-overview.e2e.mjs         (or: cd admin-web && npm run e2e)
//
// Real Telegram deliveries (a fake Bot API on loopback) are answered by a fake OpenAI-compatible
// LLM (one request fails, so the offline storyteller answers it: a fallback); the Overview must
// then draw its charts from GET /api/stats/timeseries with those stories in them, in English and
// Chinese, at 1280 and 375 px, with zero axe-core violations. The English overview is saved as
// docs/screenshots/overview.png for the README. Same needs as admin-panel.e2e.mjs.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const outputDir = path.join(here, 'output-overview');
const screenshot = path.join(repoRoot, 'docs', 'screenshots', 'overview.png');
const webDir = path.join(repoRoot, 'admin-web', 'dist');
const storybotBin = path.resolve(repoRoot, process.env.STORYBOT_BIN || 'build/storybot');
const chromiumBin = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const START_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 20_000;

const requireFromWeb = createRequire(path.join(repoRoot, 'admin-web', 'package.json'));
const axeScript = requireFromWeb.resolve('axe-core/axe.min.js');

const FAKE_BOT_TOKEN = '123456:E2E-token_abcdefghijklmnop';
const TELEGRAM_SECRET = 'e2e-webhook-secret_1';
const STORIES = ['a story about owls', 'a story about foxes', 'a story about dragons', 'a story about bees'];
const FAILING_TOPIC = 'dragons'; // the fake LLM fails this one: the offline storyteller answers

const log = (...args) => console.log('[e2e overview]', ...args);

class StepError extends Error {}

async function main() {
  preflight();
  fs.rmSync(outputDir, { recursive: true, force: true });
  fs.mkdirSync(outputDir, { recursive: true });
  fs.mkdirSync(path.dirname(screenshot), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storybot-e2e-overview-'));
  const token = crypto.randomBytes(24).toString('hex');
  let server;
  let context;
  let telegram;
  let llm;
  let ok = false;
  try {
    telegram = await startFakeTelegram();
    llm = await startFakeLlm();
    server = await startStorybot(tmp, token, {
      STORYBOT_TELEGRAM_BOT_TOKEN: FAKE_BOT_TOKEN,
      STORYBOT_TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      STORYBOT_TELEGRAM_API_URL: telegram.baseUrl,
      STORYBOT_LLM_BASE_URL: `${llm.baseUrl}/v1`,
      STORYBOT_LLM_API_KEY: 'sk-e2e-key',
      STORYBOT_LLM_MODEL: 'story-model',
      STORYBOT_LLM_MAX_RETRIES: '0',
    });
    log(`storybot at ${server.baseUrl}`);
    await deliverStories(server.baseUrl, token);
    context = await launchBrowser(tmp);
    await runScenario(context, server.baseUrl, token);
    await context.close();
    ok = true;
    log('PASS');
  } catch (error) {
    console.error(`[e2e overview] FAIL: ${error instanceof StepError ? error.message : error?.stack || error}`);
    if (server) console.error(`[e2e overview] storybot output (last lines):\n${server.output().slice(-3000)}`);
  } finally {
    await context?.close().catch(() => {});
    if (server) await server.stop();
    telegram?.close();
    llm?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}

function preflight() {
  const problems = [];
  if (!fs.existsSync(storybotBin)) problems.push(`storybot binary not found at ${storybotBin} (build it, or set STORYBOT_BIN)`);
  if (!fs.existsSync(path.join(webDir, 'index.html'))) problems.push(`${webDir}/index.html missing (run: cd admin-web && npm run build)`);
  if (!fs.existsSync(chromiumBin)) problems.push(`${chromiumBin} missing (apt-get install -y chromium)`);
  try {
    requireFromWeb.resolve('playwright-core');
  } catch {
    problems.push('playwright-core missing (run: cd admin-web && npm ci)');
  }
  if (problems.length) {
    console.error(`[e2e] FAIL: cannot start:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
}

/** Starts storybot on a free port and waits (bounded) for its "listening" line. */
function startStorybot(tmp, token, extraEnv = {}) {
  const dataDir = path.join(tmp, 'data');
  const logDir = path.join(tmp, 'logs');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(logDir);
  const child = spawn(storybotBin, [], {
    cwd: repoRoot,
    env: {
      ...process.env,
      STORYBOT_HTTP_PORT: '0',
      STORYBOT_HTTP_HOST: '127.0.0.1',
      STORYBOT_DATA_DIR: dataDir,
      STORYBOT_LOG_DIR: logDir,
      STORYBOT_ADMIN_TOKEN: token,
      STORYBOT_ADMIN_WEB_DIR: webDir,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk) => {
    // Never keep the token in anything we might print.
    output = (output + chunk.toString()).split(token).join('***').slice(-20_000);
  };
  child.stderr.on('data', append);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new StepError(`storybot did not print "storybot listening on http://HOST:PORT" within ${START_TIMEOUT_MS / 1000} s\n${output}`));
    }, START_TIMEOUT_MS);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      append(chunk);
      buffered += chunk.toString();
      const match = /storybot listening on (http:\/\/[^\s/]+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        buffered = '';
        resolve({ baseUrl: match[1], stop, output: () => output });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new StepError(`cannot start ${storybotBin}: ${error.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new StepError(`storybot exited before listening (code ${code}, signal ${signal})\n${output}`));
    });
  });
}

/**
 * A fake Telegram Bot API on loopback (/bot<token>/<method>): every method answers ok, except
 * sendMessage while `refuse` is set, which answers 400 "chat not found" as Telegram does for a
 * chat the bot cannot reach. Accepted messages are recorded per chat.
 */
function startFakeTelegram() {
  const state = { refuse: false, sent: [], refused: 0 };
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

/** A Telegram update for POST /telegram/webhook. */
function telegramUpdate(id, chat, text) {
  return {
    update_id: id,
    message: {
      message_id: id * 10,
      date: 1700000000,
      from: { id: chat, is_bot: false, first_name: 'Ada', language_code: 'en' },
      chat: { id: chat, type: 'private' },
      text,
    },
  };
}

/** Polls `check` (bounded) until it returns something truthy. */
async function eventually(what, check, timeoutMs = STEP_TIMEOUT_MS) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A fake OpenAI-compatible chat completion endpoint: a story, or a 500 for FAILING_TOPIC. */
function startFakeLlm() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      res.setHeader('Content-Type', 'application/json');
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404);
        return res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      }
      if (body.includes(FAILING_TOPIC)) {
        res.writeHead(500);
        return res.end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } }));
      }
      res.writeHead(200);
      res.end(
        JSON.stringify({
          id: 'chatcmpl-e2e',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Once upon a time, an LLM wrote this.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 },
        }),
      );
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ baseUrl: `http://127.0.0.1:${port}`, close: () => server.close() });
    });
  });
}

/** Real deliveries through POST /telegram/webhook; waits (bounded) until every job is done. */
async function deliverStories(baseUrl, token) {
  for (const [i, text] of STORIES.entries()) {
    const response = await fetch(`${baseUrl}/telegram/webhook`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Telegram-Bot-Api-Secret-Token': TELEGRAM_SECRET },
      body: JSON.stringify(telegramUpdate(i + 1, 7000 + i, text)),
    });
    if (response.status !== 200) throw new StepError(`delivery ${i + 1} answered ${response.status}`);
  }
  await eventually('every delivery answered', async () => {
    const stats = await (await fetch(`${baseUrl}/api/stats`, { headers: { Authorization: `Bearer ${token}` } })).json();
    return stats.jobs.done === STORIES.length;
  });
  log(`${STORIES.length} Telegram deliveries answered`);
}

async function launchBrowser(tmp) {
  const { chromium } = requireFromWeb('playwright-core');
  // A persistent context is how Playwright takes a fresh --user-data-dir.
  return chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: chromiumBin,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    locale: 'en-US',
    viewport: { width: 1280, height: 860 },
  });
}

async function runScenario(context, baseUrl, token) {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const failedApi = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/') && response.status() >= 400) {
      failedApi.push(`${response.status()} ${response.url()}`);
    }
  });

  const step = async (name, fn) => {
    log(`step: ${name}`);
    try {
      await fn();
    } catch (error) {
      await page.screenshot({ path: path.join(outputDir, `FAILED-${name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => {});
      throw new StepError(`step "${name}": ${error.message}`);
    }
    if (failedApi.length) throw new StepError(`step "${name}": an endpoint failed: ${failedApi.join(', ')}`);
  };
  const expectVisible = (locator) => locator.first().waitFor({ state: 'visible' });
  const CHART_IDS = ['stories', 'latency', 'fallback', 'jobs', 'feedback'];

  const chartsDrawn = async () => {
    for (const id of CHART_IDS) await expectVisible(page.locator(`[data-testid="chart-${id}"] canvas`));
  };
  // The data table of a chart, as { column: [values of the newest hour first] }.
  const table = (id) =>
    page.evaluate((chartId) => {
      const t = document.querySelector(`[data-testid="chart-${chartId}"] table`);
      if (!t) return null;
      const heads = [...t.querySelectorAll('thead th')].map((th) => th.textContent);
      const rows = [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
      return Object.fromEntries(heads.map((h, i) => [h, rows.map((r) => r[i])]));
    }, id);
  const sum = (values) => (values ?? []).reduce((a, v) => a + (Number(v) || 0), 0);
  const openTables = async () => {
    for (const summary of await page.locator('.chart-data summary').all()) await summary.click();
  };
  const axe = async (state) => {
    await page.addScriptTag({ path: axeScript });
    const result = await page.evaluate(() => window.axe.run());
    if (result.violations.length) {
      const detail = result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`);
      throw new Error(`axe found ${result.violations.length} violation(s) ${state}:\n  ${detail.join('\n  ')}`);
    }
    log(`axe: 0 violations ${state} (${result.passes.length} rules passed)`);
  };
  const noRawKeys = async () => {
    const text = await page.locator('main').innerText();
    const raw = /\b(prompts_enabled|messages_by_channel|dead_lettered|llm_fallback_rate|(overview|chart|summary|stat)\.[a-zA-Z.]+)\b/.exec(text);
    if (raw) throw new Error(`untranslated label on the page: ${raw[0]}`);
  };

  await step('sign in and open the Overview', async () => {
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Overview', level: 1 }));
    await chartsDrawn();
  });

  await step('the charts hold the deliveries (English)', async () => {
    await openTables();
    const stories = await table('stories');
    if (sum(stories?.Telegram) !== STORIES.length) throw new Error(`stories table: ${JSON.stringify(stories)}`);
    const latency = await table('latency');
    if (!(sum(latency?.['p50 (ms)']) > 0)) throw new Error(`latency table: ${JSON.stringify(latency)}`);
    const fallback = await table('fallback');
    if (sum(fallback?.['LLM calls']) !== STORIES.length || sum(fallback?.Fallbacks) !== 1) {
      throw new Error(`fallback table: ${JSON.stringify(fallback)}`);
    }
    const jobs = await table('jobs');
    if (!(sum(jobs?.['Waiting (peak)']) >= 1)) throw new Error(`jobs table: ${JSON.stringify(jobs)}`);
    await expectVisible(page.getByTestId('chart-feedback').getByText('No data in this time range.'));
    for (const title of ['Stories per hour by channel', 'LLM latency (p50 and p95)', 'LLM fallback rate', 'Jobs waiting and dead-lettered']) {
      await expectVisible(page.getByRole('img', { name: new RegExp(`^Chart: ${title.replace(/[()]/g, '\\$&')}`) }));
    }
    const summary = page.getByTestId('summary');
    if ((await summary.getByText(/dead-lettered/i).count()) !== 1) throw new Error('dead letters are not shown in exactly one row');
    await noRawKeys();
    // A drawn canvas: uPlot has painted lines, not just a blank box.
    const painted = await page.evaluate(() => {
      const canvas = document.querySelector('[data-testid="chart-stories"] canvas');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
      return n;
    });
    if (painted < 500) throw new Error(`the stories canvas is nearly blank (${painted} painted pixels)`);
  });

  await step('axe: no violations with the data tables open (English)', async () => axe('in English, tables open'));

  await step('screenshot for the README', async () => {
    await page.evaluate(() => document.querySelectorAll('details[open]').forEach((d) => d.removeAttribute('open')));
    await page.screenshot({ path: screenshot, fullPage: true });
    log(`saved ${path.relative(repoRoot, screenshot)}`);
  });

  await step('switch to 7 days', async () => {
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await expectVisible(page.locator('button[aria-pressed="true"]', { hasText: 'Last 7 days' }));
    await chartsDrawn();
    await openTables();
    const stories = await table('stories');
    if (sum(stories?.Telegram) !== STORIES.length) throw new Error(`7-day stories table: ${JSON.stringify(stories)}`);
  });

  await step('Chinese: every label translated', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await expectVisible(page.getByRole('heading', { name: '概览', level: 1 }));
    for (const title of ['各渠道每小时故事数', 'LLM 延迟（p50 和 p95）', 'LLM 回退率', '等待中和死信任务', '反馈：点赞占比']) {
      await expectVisible(page.getByRole('heading', { name: title }));
    }
    await expectVisible(page.getByRole('button', { name: '最近 7 天' }));
    await expectVisible(page.getByTestId('summary').getByText('死信任务'));
    await chartsDrawn();
    await openTables();
    const fallback = await table('fallback');
    if (sum(fallback?.['回退']) !== 1) throw new Error(`Chinese fallback table: ${JSON.stringify(fallback)}`);
    await noRawKeys();
    await page.screenshot({ path: path.join(outputDir, 'overview-zh.png'), fullPage: true });
  });

  await step('axe: no violations (Chinese)', async () => axe('in Chinese, tables open'));

  await step('375 px: charts fit their container, nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForFunction(() => {
      const canvas = document.querySelector('[data-testid="chart-stories"] canvas');
      return canvas && canvas.getBoundingClientRect().width <= 375;
    });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`the page scrolls sideways by ${overflow} px at 375 px`);
    await page.screenshot({ path: path.join(outputDir, 'overview-375.png'), fullPage: true });
  });

  await step('axe: no violations at 375 px', async () => axe('at 375 px'));

  if (pageErrors.length) throw new StepError(`page errors: ${pageErrors.join('; ')}`);
}

main();
