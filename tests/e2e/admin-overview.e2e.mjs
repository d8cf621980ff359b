#!/usr/bin/env node
// Browser end-to-end test of the admin panel's Overview against a real storybot.
//
//   node tests/e2e/admin-overview.e2e.mjs         (or: cd admin-web && npm run e2e)
//
// Real Telegram deliveries (a fake Bot API on loopback) are answered by a fake OpenAI-compatible
// LLM (one request fails, so the offline storyteller answers it: a fallback); the Overview must
// then draw its charts from GET /api/stats/timeseries with those stories in them, in English and
// Chinese, at 1280 and 375 px, with zero axe-core violations. Same needs as admin-panel.e2e.mjs.
// Screenshots go to tests/e2e/output/overview/ (git-ignored) only. The README's
// docs/screenshots/overview.png is a copy of this run's NN-overview.png (English, 1280 px, tables
// closed), refreshed by hand: cp tests/e2e/output/overview/*-overview.png docs/screenshots/overview.png

import http from 'node:http';
import path from 'node:path';
import { expectNoAxeViolations, expectVisible, launchBrowser, openPage, signIn, stepper, watchPage } from './lib/browser.mjs';
import { deliverTelegram, startFakeTelegram, telegramEnv } from './lib/fake_telegram.mjs';
import { StepError, eventually, logger, outputDirFor, repoRoot, runE2e } from './lib/harness.mjs';

const outputDir = outputDirFor('overview');
const STEP_TIMEOUT_MS = 20_000;

const STORIES = ['a story about owls', 'a story about foxes', 'a story about dragons', 'a story about bees'];
const FAILING_TOPIC = 'dragons'; // the fake LLM fails this one: the offline storyteller answers

const log = logger('e2e overview');

/** The run: fake Bot API and LLM, storybot, real deliveries, chromium, the scenario. */
async function main(run) {
  const telegram = run.closeLater(await startFakeTelegram());
  const llm = run.closeLater(await startFakeLlm());
  const server = await run.startStorybot({
    ...telegramEnv(telegram),
    STORYBOT_LLM_BASE_URL: `${llm.baseUrl}/v1`,
    STORYBOT_LLM_API_KEY: 'sk-e2e-key',
    STORYBOT_LLM_MODEL: 'story-model',
    STORYBOT_LLM_MAX_RETRIES: '0',
  });
  log(`storybot at ${server.baseUrl}`);
  await deliverStories(server.baseUrl, run.token);
  const context = run.closeLater(await launchBrowser(run.tmp));
  await runScenario(context, server.baseUrl, run.token);
  await context.close();
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
    const response = await deliverTelegram(baseUrl, i + 1, 7000 + i, text);
    if (response.status !== 200) throw new StepError(`delivery ${i + 1} answered ${response.status}`);
  }
  await eventually('every delivery answered', async () => {
    const stats = await (await fetch(`${baseUrl}/api/stats`, { headers: { Authorization: `Bearer ${token}` } })).json();
    return stats.jobs.done === STORIES.length;
  }, STEP_TIMEOUT_MS);
  log(`${STORIES.length} Telegram deliveries answered`);
}

async function runScenario(context, baseUrl, token) {
  const page = await openPage(context, STEP_TIMEOUT_MS);
  // Any /api/ answer of 400 or more fails the step it happened in.
  const watch = watchPage(page);
  const { shot, step } = stepper(page, outputDir, log, (name) => {
    if (watch.apiErrors.length) throw new StepError(`step "${name}": an endpoint failed: ${watch.apiErrors.map((e) => e.text).join(', ')}`);
  });
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
    const passed = await expectNoAxeViolations(page, state);
    log(`axe: 0 violations ${state} (${passed} rules passed)`);
  };
  const noRawKeys = async () => {
    const text = await page.locator('main').innerText();
    const raw = /\b(prompts_enabled|messages_by_channel|dead_lettered|llm_fallback_rate|(overview|chart|summary|stat)\.[a-zA-Z.]+)\b/.exec(text);
    if (raw) throw new Error(`untranslated label on the page: ${raw[0]}`);
  };

  await step('sign in and open the Overview', async () => {
    await signIn(page, baseUrl, token);
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

  await step('screenshot for the README (copied by hand to docs/screenshots/overview.png)', async () => {
    await page.evaluate(() => document.querySelectorAll('details[open]').forEach((d) => d.removeAttribute('open')));
    log(`saved ${path.relative(repoRoot, await shot('overview'))}`);
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
    await shot('overview-zh');
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
    await shot('overview-375');
  });

  await step('axe: no violations at 375 px', async () => axe('at 375 px'));

  if (watch.pageErrors.length) throw new StepError(`page errors: ${watch.pageErrors.join('; ')}`);
}

await runE2e('e2e overview', outputDir, main);
