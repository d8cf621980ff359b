#!/usr/bin/env node
// Browser end-to-end test of the admin panel against a real storybot.
//
//   node tests/e2e/admin-panel.e2e.mjs            (or: cd admin-web && npm run e2e)
//
// Needs: build/storybot (or STORYBOT_BIN), admin-web/dist (npm run build),
// admin-web/node_modules (npm ci, for playwright-core) and Debian's chromium
// (or CHROMIUM_BIN). Screenshots go to tests/e2e/output/panel/ (git-ignored); the README's
// docs/screenshots/version-diff.png is a copy of its NN-version-diff.png, refreshed by hand.
// Exit code 0 = pass.
// Every endpoint the panel calls must work: a 404/405/5xx answer from /api/ fails the run (no
// fallback screen is accepted), and axe-core finds no violation of any impact on each page and
// state (sign-in, prompts, editor, version diff, conversations, transcript, jobs, integrations,
// open dialogs) in English and in Chinese.

import fs from 'node:fs';
import path from 'node:path';
import { axeCheck, expectVisible, launchBrowser, openPage, stepper, watchPage } from './lib/browser.mjs';
import { deliverTelegram, startFakeTelegram, telegramEnv } from './lib/fake_telegram.mjs';
import { StepError, eventually, logger, outputDirFor, runE2e } from './lib/harness.mjs';

const outputDir = outputDirFor('panel');
const STEP_TIMEOUT_MS = 15_000;

const PROMPT_TITLE = '会说话的猫';
const PROMPT_V1 = '从前，{{user_name}}遇见了一只会说话的猫。{{request}}';
const PROMPT_V2 = '从前，{{user_name}}遇见了一只会说话的猫，它叫{{cat_name|小橘}}。{{request}} <b>不是粗体</b>';

const log = logger('e2e');

/** The run: fake Bot API, storybot, chromium, the scenario, then the server log's trace ids. */
async function main(run) {
  const telegram = run.closeLater(await startFakeTelegram());
  const server = await run.startStorybot(telegramEnv(telegram));
  log(`storybot at ${server.baseUrl}`);
  const context = run.closeLater(await launchBrowser(run.tmp));
  const result = await runScenario(context, server.baseUrl, run.token, telegram);
  await context.close();
  await server.stop(); // flushes the log
  checkLogHasTrace(path.join(run.tmp, 'logs', 'storybot.ndjson'), result.shownTraceId);
  return `axe-core: ${result.axeChecks} page states, no violations`;
}

/** The trace id an error toast showed must lead to the server's log line (Kibana's trace.id). */
function checkLogHasTrace(logFile, traceId) {
  if (!fs.existsSync(logFile)) throw new StepError(`no server log at ${logFile}`);
  const found = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .some((line) => line.includes(traceId) && JSON.parse(line)['trace.id'] === traceId);
  if (!found) throw new StepError(`the trace id shown in the error toast (${traceId}) is in no log line's trace.id`);
  log(`log line found for the toast's trace id ${traceId}`);
}

async function runScenario(context, baseUrl, token, telegram) {
  const page = await openPage(context, STEP_TIMEOUT_MS);
  // The panel must never meet a missing or broken endpoint: such answers fail the run at the end.
  const watch = watchPage(page);
  const traceIds = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/') || url.pathname === '/healthz' || url.pathname === '/readyz') {
      traceIds.push({ path: url.pathname, id: request.headers()['x-trace-id'] });
    }
  });
  const { shot, step } = stepper(page, outputDir, log);

  // axe-core on the page as it is now: every rule, every impact; any violation fails the run (at
  // the end, so that one run lists every page state with violations).
  let axeChecks = 0;
  const axeViolations = [];
  const axe = async (state) => {
    const { violations } = await axeCheck(page);
    axeChecks += 1;
    if (violations.length) {
      log(`axe-core violations, ${state}: ${violations.join(' | ')}`);
      axeViolations.push(`${state}: ${violations.join(' | ')}`);
    }
  };
  // A page change retitles the document and puts focus on the new page's heading.
  const expectPageChange = async (heading) => {
    await eventually(`focus on the heading "${heading}"`, () =>
      page.evaluate((text) => {
        const active = document.activeElement;
        return active?.tagName === 'H1' && active.textContent === text && document.title.startsWith(text);
      }, heading),
    );
  };
  const expectFits = async (what) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`${what} is ${overflow}px wider than the 375px screen`);
  };
  const expectHeadingsInOrder = async (what) => {
    const levels = await page.evaluate(() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1])));
    if (levels[0] !== 1) throw new Error(`${what}: the first heading is h${levels[0]}`);
    for (let i = 1; i < levels.length; i += 1) {
      if (levels[i] > levels[i - 1] + 1) throw new Error(`${what}: h${levels[i - 1]} is followed by h${levels[i]}`);
    }
  };
  const toast = (kind, text) => page.locator(`[data-testid="toast-${kind}"]`, { hasText: text });

  await step('storybot serves the built panel under /admin/', async () => {
    const index = await fetch(`${baseUrl}/admin/`);
    if (!index.ok || !index.headers.get('content-type')?.startsWith('text/html')) {
      throw new Error(`/admin/ answered ${index.status} ${index.headers.get('content-type')}`);
    }
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(await index.text())?.[1];
    if (!asset) throw new Error('index.html names no /admin/assets/*.js script');
    const script = await fetch(baseUrl + asset);
    if (!script.ok || !/javascript/.test(script.headers.get('content-type') ?? '')) {
      throw new Error(`${asset} answered ${script.status} ${script.headers.get('content-type')}`);
    }
    if (!/max-age=\d{6,}/.test(script.headers.get('cache-control') ?? '')) {
      throw new Error(`hashed asset without a long cache: ${script.headers.get('cache-control')}`);
    }
    const deepLink = await fetch(`${baseUrl}/admin/prompts/12345`);
    if (!deepLink.ok || !(await deepLink.text()).includes('id="root"')) {
      throw new Error(`a client-side route answered ${deepLink.status}, not index.html`);
    }
  });

  await step('open the panel and see the sign-in form', async () => {
    await page.goto(`${baseUrl}/admin/`);
    await expectVisible(page.getByRole('heading', { name: 'Sign in' }));
    await axe('sign-in');
    await shot('sign-in');
  });

  await step('empty token warns', async () => {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Please enter the admin token' }));
    await axe('sign-in with a field error');
  });

  let shownTraceId;
  await step('wrong token says so', async () => {
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Wrong token' }));
    shownTraceId = (await toast('error', 'Wrong token').locator('.trace-id code').innerText()).trim();
    if (!/^[0-9a-f]{32}$/.test(shownTraceId)) throw new Error(`error toast shows no trace id (${shownTraceId})`);
    await shot('wrong-token');
  });

  await step('sign in with the right token', async () => {
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Overview' }));
    await expectVisible(page.getByTestId('healthz').getByText('up'));
    await expectVisible(page.getByTestId('stats-section').locator('dl, [data-testid="not-available"]'));
    await shot('overview');
  });

  let promptId;
  await step('add a Chinese prompt, with live variables and template errors', async () => {
    await page.getByRole('link', { name: 'Prompts', exact: true }).click();
    await expectPageChange('Prompts');
    await expectVisible(page.getByText('No prompts yet'));
    await axe('prompts list, empty');
    await page.getByRole('link', { name: 'Add prompt' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await expectVisible(page.getByTestId('editor-problem').filter({ hasText: 'must not be empty' }));

    await page.getByLabel('Template', { exact: true }).fill('从前，{{user_name');
    await expectVisible(page.getByTestId('template-error').filter({ hasText: 'character 4 (line 1, column 4)' }));
    await page.getByRole('button', { name: 'Create' }).click();
    await expectVisible(page.getByTestId('editor-problem').filter({ hasText: 'The server refused the template' }));
    await expectVisible(toast('error', 'Trace ID'));
    await axe('editor with a template error');
    await shot('template-error');

    await page.getByLabel('Title').fill(PROMPT_TITLE);
    await page.getByLabel('Template', { exact: true }).fill(PROMPT_V1);
    await expectVisible(page.locator('.chip', { hasText: 'user_name' }));
    await expectVisible(page.locator('.chip', { hasText: 'request' }));
    if (await page.getByTestId('template-error').count()) throw new Error('valid template shown as an error');
    await page.getByRole('button', { name: 'Create' }).click();
    await expectVisible(toast('success', 'created'));
    await expectVisible(page.getByTestId('current-version').filter({ hasText: 'Current version: 1' }));
    promptId = Number(/\/admin\/prompts\/(\d+)$/.exec(page.url())?.[1]);
    if (!promptId) throw new Error(`expected /admin/prompts/{id} after create, got ${page.url()}`);
    await shot('prompt-created');
  });

  await step('edit it and see version 2', async () => {
    await page.getByLabel('Template', { exact: true }).fill(PROMPT_V2);
    await expectVisible(page.locator('.chip', { hasText: 'cat_name' }));
    await page.getByRole('button', { name: 'Save' }).click();
    await expectVisible(toast('success', 'version 2'));
    await expectVisible(page.getByTestId('current-version').filter({ hasText: 'Current version: 2' }));
    await expectVisible(page.getByTestId('version-2'));
    await expectVisible(page.getByTestId('version-1'));
    // Markup in prompt content must stay text.
    const inert = await page.getByTestId('version-2').locator('pre.content');
    if (!(await inert.innerText()).includes('<b>不是粗体</b>')) throw new Error('content markup not shown as text');
    if (await page.getByTestId('version-2').locator('pre.content b').count()) throw new Error('content markup was rendered as HTML');
    await shot('prompt-version-2');
  });

  await step('restore version 1 as version 3', async () => {
    await page.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Restore' }).click();
    await expectVisible(page.getByTestId('current-version').filter({ hasText: 'Current version: 3' }));
    const content = await page.getByLabel('Template', { exact: true }).inputValue();
    if (content !== PROMPT_V1) throw new Error(`restored content differs: ${content}`);
  });

  await step('compare two versions side by side', async () => {
    const diff = page.getByTestId('version-diff');
    await expectVisible(diff);
    // Newest (3, restored from 1) against 2: the one changed line is marked on both sides.
    await expectVisible(diff.getByRole('status').filter({ hasText: '1 line differs.' }));
    const changed = diff.locator('tr.diff-changed');
    if ((await changed.count()) !== 1) throw new Error(`expected one changed line, got ${await changed.count()}`);
    if (!(await changed.locator('.diff-old').innerText()).includes('cat_name')) throw new Error('version 2 is not on the left');
    await diff.getByLabel('Older').selectOption('1');
    await expectVisible(diff.getByRole('status').filter({ hasText: 'The contents are the same.' }));
    await diff.getByLabel('Older').selectOption('2');
    await expectHeadingsInOrder('the editor');
    await axe('editor with the version diff');
    await page.getByRole('button', { name: 'Restore version 2' }).click();
    await expectVisible(page.getByRole('alertdialog'));
    await axe('restore confirmation open');
    await page.keyboard.press('Escape');
    await shot('version-diff');
  });

  let integrationSecret = '';
  await step('preview a story', async () => {
    await page.getByRole('link', { name: 'Preview', exact: true }).click();
    await page.getByLabel('Prompt', { exact: true }).selectOption(String(promptId));
    await page.getByRole('button', { name: 'Write the story' }).click();
    await expectVisible(page.getByRole('alert').filter({ hasText: 'Please type a request' }));
    await page.getByLabel('Request').fill('讲一个关于月亮的故事');
    await page.getByLabel('User name').fill('小明');
    await page.getByRole('button', { name: 'Write the story' }).click();
    const story = page.getByTestId('story');
    await expectVisible(story);
    const text = (await story.locator('.story-text').innerText()).trim();
    if (!text) throw new Error('the preview returned an empty story');
    await expectVisible(page.getByTestId('story-engine'));
    log(`story (${text.length} chars): ${text.slice(0, 80).replace(/\s+/g, ' ')}…`);
    await shot('preview');
  });

  // A real given-up job: the fake Bot API refuses the reply for good (400 chat not found), so
  // the job ends as failed; fixed, the retry answers it exactly once.
  const api = async (method, apiPath) => {
    const response = await fetch(baseUrl + apiPath, { method, headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}: ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
  const refusedJob = async (updateId, chat) => {
    telegram.state.refuse = true;
    const delivered = await deliverTelegram(baseUrl, updateId, chat, 'a story about owls');
    if (delivered.status !== 200) throw new Error(`the Telegram webhook answered ${delivered.status}`);
    const job = await eventually(`a failed job for chat ${chat}`, async () =>
      (await api('GET', '/api/jobs?state=failed')).find((j) => j.chat_id === String(chat)),
    );
    telegram.state.refuse = false;
    return job;
  };

  await step('a refused Telegram reply is listed on the Jobs page and retried', async () => {
    const job = await refusedJob(1, 4242);
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    const row = page.getByTestId(`job-row-${job.id}`);
    await expectVisible(row);
    for (const text of ['Failed', 'telegram', '4242', 'chat not found', job.trace_id]) {
      await expectVisible(row.getByText(text, { exact: false }));
    }
    await axe('jobs list');
    await shot('jobs');
    await row.getByRole('button', { name: `Retry job ${job.id}` }).click();
    await expectVisible(toast('success', `Job ${job.id} is being sent again`));
    await eventually('the retried reply', () => telegram.state.sent.some((m) => m.chatId === '4242'));
    await eventually('the job marked done', async () => (await api('GET', '/api/stats')).jobs.done === 1);
    const answers = telegram.state.sent.filter((m) => m.chatId === '4242');
    if (answers.length !== 1 || !answers[0].text.includes('owls')) {
      throw new Error(`expected one answer about owls, got ${JSON.stringify(answers)}`);
    }
    if ((await api('GET', '/api/jobs')).length !== 0) throw new Error('the retried job is still listed');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expectVisible(page.getByText('No jobs in this state.'));
  });

  await step('discard a refused job after confirming; focus returns', async () => {
    const job = await refusedJob(2, 4343);
    await page.getByLabel('State').selectOption('failed');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const discard = page.getByRole('button', { name: `Discard job ${job.id}` });
    await discard.click();
    const dialog = page.getByRole('alertdialog');
    await expectVisible(dialog);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await eventually('focus back on the Discard button', () => discard.evaluate((el) => el === document.activeElement));
    await discard.click();
    await axe('discard confirmation open');
    await shot('job-discard-confirm');
    await page.getByRole('alertdialog').getByRole('button', { name: 'Discard' }).click();
    await expectVisible(toast('success', `Job ${job.id} discarded`));
    await page.getByTestId(`job-row-${job.id}`).waitFor({ state: 'detached' });
    if ((await api('GET', '/api/jobs')).length !== 0) throw new Error('the discarded job is still listed by the server');
    if (telegram.state.sent.some((m) => m.chatId === '4343')) throw new Error('the discarded job was sent');
  });

  // The two Telegram chats above are conversations now (the reply is stored before it is sent).
  let conversationId;
  await step('conversations: filter by user and text', async () => {
    await page.getByRole('link', { name: 'Conversations', exact: true }).click();
    await expectPageChange('Conversations');
    await expectVisible(page.locator('.conversations'));
    await axe('conversations list');
    await page.getByLabel('User').fill('4242');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually('only chat 4242 listed', async () => (await page.locator('.conversations > li').count()) === 1);
    await page.getByLabel('User').fill('');
    await page.getByLabel('Search the text').fill('no such words');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expectVisible(page.getByText('No conversations yet.'));
    await page.getByLabel('Search the text').fill('OWLS');
    await page.getByLabel('Channel').selectOption('telegram');
    await page.getByRole('button', { name: 'Apply' }).click();
    await eventually('both chats found by text', async () => (await page.locator('.conversations > li').count()) === 2);
    const listed = await api('GET', '/api/conversations?user=4242');
    if (listed.length !== 1) throw new Error(`the server lists ${listed.length} conversations for user 4242`);
    conversationId = listed[0].id;
    await axe('conversations list, filtered');
    await shot('conversations');
  });

  await step('conversations: reset after confirming, focus back on the button', async () => {
    const reset = page.getByRole('button', { name: 'Reset the conversation with Ada' }).first();
    await reset.click();
    const dialog = page.getByRole('alertdialog');
    await expectVisible(dialog);
    await axe('reset confirmation open');
    for (let i = 0; i < 3; i += 1) {
      await page.keyboard.press('Tab');
      if (!(await dialog.evaluate((el) => el.contains(document.activeElement)))) throw new Error('focus left the dialog');
    }
    await dialog.getByRole('button', { name: 'Reset' }).click();
    await expectVisible(toast('success', 'was reset'));
    await eventually('focus back on the Reset button', () => reset.evaluate((el) => el === document.activeElement));
  });

  await step('conversations: the whole transcript', async () => {
    // Both chats are Ada's: open the one the user filter found (chat 4242).
    await page.locator(`a[href$="/conversations/${conversationId}"]`).click();
    await expectPageChange(`Conversation ${conversationId}`);
    const transcript = page.getByTestId('transcript');
    await expectVisible(transcript);
    const server = await api('GET', `/api/conversations/${conversationId}`);
    const shown = await transcript.locator('li').count();
    if (shown !== server.messages.length || shown < 2) throw new Error(`${shown} messages shown, the server has ${server.messages.length}`);
    await expectVisible(transcript.getByText('a story about owls'));
    await expectHeadingsInOrder('the transcript');
    await axe('transcript');
    await page.setViewportSize({ width: 375, height: 800 });
    await expectFits('the transcript');
    await shot('transcript-375px');
    await page.getByRole('link', { name: 'Back to the conversations' }).click();
    await expectVisible(page.locator('.conversations'));
    await expectFits('the conversations list');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  // A real dead letter: the fake Bot API fails every send with 500, so the job runs out of attempts
  // (5, with the runner's 1, 2, 4, 8 s backoff); once the API is back, a retry answers it once.
  await step('a reply that keeps failing is dead-lettered, retried and answered once', async () => {
    telegram.state.failing = true;
    const delivered = await deliverTelegram(baseUrl, 3, 4444, 'a story about owls');
    if (delivered.status !== 200) throw new Error(`the Telegram webhook answered ${delivered.status}`);
    const job = await eventually(
      'a dead-lettered job for chat 4444',
      async () => (await api('GET', '/api/jobs?state=dead')).find((j) => j.chat_id === '4444'),
      90_000,
    );
    telegram.state.failing = false;
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await expectPageChange('Jobs');
    await page.getByLabel('State').selectOption('dead');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.getByTestId(`job-row-${job.id}`);
    await expectVisible(row);
    for (const text of ['Dead-lettered', '4444', '500']) await expectVisible(row.getByText(text, { exact: false }));
    await axe('jobs list, dead-lettered');
    await row.getByRole('button', { name: `Retry job ${job.id}` }).click();
    await expectVisible(toast('success', `Job ${job.id} is being sent again`));
    await eventually('the retried reply', () => telegram.state.sent.some((m) => m.chatId === '4444'));
    await eventually('the job marked done', async () => (await api('GET', '/api/stats')).jobs.done === 2);
    const answers = telegram.state.sent.filter((m) => m.chatId === '4444');
    if (answers.length !== 1) throw new Error(`expected one answer to chat 4444, got ${answers.length}`);
    if ((await api('GET', '/api/jobs?state=dead')).length !== 0) throw new Error('the retried job is still dead-lettered');
  });

  await step('the prompt list works at phone width (375 px)', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole('link', { name: 'Prompts', exact: true }).click();
    await expectVisible(page.getByTestId(`prompt-row-${promptId}`));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`page is ${overflow}px wider than the 375px screen`);
    const usage = (await page.getByTestId(`prompt-row-${promptId}`).getByTestId('usage-count').innerText()).trim();
    if (!/^\d+$/.test(usage)) throw new Error(`no usage count shown (${usage})`);
    await axe('prompts list at 375 px');
    await shot('prompts-375px');
    await page.getByRole('link', { name: `Edit prompt “${PROMPT_TITLE}”` }).click();
    await expectVisible(page.getByTestId('version-3'));
    await expectVisible(page.getByTestId('version-diff'));
    const editorOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (editorOverflow > 0) throw new Error(`the editor is ${editorOverflow}px wider than the 375px screen`);
    await shot('editor-375px');
    await page.getByRole('link', { name: 'Prompts', exact: true }).click();
    await expectVisible(page.getByTestId(`prompt-row-${promptId}`));
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  await step('delete the prompt after confirming', async () => {
    await page.getByRole('button', { name: `Delete prompt “${PROMPT_TITLE}”` }).click();
    const dialog = page.getByRole('alertdialog');
    await expectVisible(dialog);
    await axe('delete confirmation open');
    await shot('delete-confirm');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await expectVisible(toast('success', 'deleted'));
    await page.getByTestId(`prompt-row-${promptId}`).waitFor({ state: 'detached' });
    const response = await fetch(`${baseUrl}/api/prompts`, { headers: { Authorization: `Bearer ${token}` } });
    const prompts = await response.json();
    if (prompts.some((p) => p.id === promptId)) throw new Error('the server still has the prompt');
    await shot('prompt-deleted');
  });

  await step('integrations: create one and see its secret once (gone after a reload)', async () => {
    await page.getByRole('link', { name: 'Integrations', exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: 'Integrations', level: 1 }));
    await expectVisible(page.getByText('No integrations yet'));
    await page.getByLabel('Name', { exact: true }).fill('e2e-shop');
    await page.getByLabel('Callback allowlist').fill('127.0.0.1\n10.0.0.0/8');
    await page.getByRole('button', { name: 'Create integration' }).click();
    const panel = page.getByTestId('secret-panel');
    await expectVisible(panel.getByText('It will not be shown again'));
    integrationSecret = (await panel.getByTestId('integration-secret').innerText()).trim();
    if (!/^whsec_[A-Za-z0-9+/=]{40,}$/.test(integrationSecret)) throw new Error(`no whsec_ secret shown: ${integrationSecret}`);
    await expectVisible(page.getByTestId('integration-row-e2e-shop').getByText('127.0.0.1, 10.0.0.0/8'));
    await axe('integrations with the new secret shown');
    await shot('integration-secret');
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 0) throw new Error(`the integrations page is ${overflow}px wider than the 375px screen`);
    await shot('integration-secret-375px');
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.reload();
    await expectVisible(page.getByTestId('integration-row-e2e-shop'));
    if (await page.getByTestId('secret-panel').count()) throw new Error('the secret panel came back after a reload');
    if ((await page.content()).includes(integrationSecret)) throw new Error('the secret is on the page after a reload');
    const listed = await (await fetch(`${baseUrl}/api/integrations`, { headers: { Authorization: `Bearer ${token}` } })).text();
    if (listed.includes(integrationSecret)) throw new Error('GET /api/integrations shows the secret');
  });

  await step('integrations: edit the callback allowlist', async () => {
    await page.getByRole('button', { name: 'Edit allowlist of “e2e-shop”' }).click();
    const dialog = page.getByRole('dialog', { name: 'Callback allowlist of “e2e-shop”' });
    await dialog.getByLabel('Callback allowlist').fill('not a host!');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expectVisible(dialog.getByTestId('form-error').filter({ hasText: 'callback_allowlist' }));
    await axe('allowlist dialog with a field error');
    const traceId = (await dialog.getByTestId('form-error').locator('.trace-id code').innerText()).trim();
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw new Error(`the refused allowlist shows no trace id (${traceId})`);
    await dialog.getByLabel('Callback allowlist').fill('hooks.internal');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expectVisible(page.getByTestId('integration-row-e2e-shop').getByText('hooks.internal'));
    const listed = await (await fetch(`${baseUrl}/api/integrations`, { headers: { Authorization: `Bearer ${token}` } })).json();
    if (JSON.stringify(listed[0]?.callback_allowlist) !== '["hooks.internal"]') {
      throw new Error(`the server has ${JSON.stringify(listed[0]?.callback_allowlist)}`);
    }
  });

  await step('integrations: rotate shows the new secret and when the old one stops working', async () => {
    await page.getByRole('button', { name: 'Rotate secret of “e2e-shop”' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Rotate secret' }).click();
    const panel = page.getByTestId('secret-panel');
    await expectVisible(panel.getByTestId('previous-expires').filter({ hasText: 'The previous secret keeps working until' }));
    const rotated = (await panel.getByTestId('integration-secret').innerText()).trim();
    if (!rotated.startsWith('whsec_') || rotated === integrationSecret) throw new Error('rotation showed no new secret');
    await expectVisible(page.getByTestId('integration-row-e2e-shop').getByText('Old secret accepted until'));
    await shot('integration-rotated');
    await panel.getByRole('button', { name: 'I have stored it' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  await step('integrations: delete after confirming, focus back on the page', async () => {
    const remove = page.getByRole('button', { name: 'Delete integration “e2e-shop”' });
    await remove.click();
    const dialog = page.getByRole('alertdialog');
    await expectVisible(dialog);
    // Tab never leaves the open dialog; Escape closes it and focus returns to the opener.
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      if (!(await dialog.evaluate((el) => el.contains(document.activeElement)))) throw new Error('focus left the dialog');
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    if (!(await remove.evaluate((el) => el === document.activeElement))) throw new Error('focus did not return to the delete button');
    await remove.click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await expectVisible(toast('success', 'deleted'));
    await page.getByTestId('integration-row-e2e-shop').waitFor({ state: 'detached' });
    const listed = await (await fetch(`${baseUrl}/api/integrations`, { headers: { Authorization: `Bearer ${token}` } })).json();
    if (listed.length !== 0) throw new Error(`the server still has ${JSON.stringify(listed)}`);
    await page.getByRole('link', { name: 'Prompts', exact: true }).click();
  });

  await step('switch to Chinese; the choice survives a reload', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await expectVisible(page.getByRole('link', { name: '提示词', exact: true }));
    await expectVisible(page.getByRole('link', { name: '任务', exact: true }));
    await page.reload();
    await expectVisible(page.getByRole('heading', { name: '提示词' }));
    await axe('prompts list in Chinese');
    await shot('chinese-ui');
  });

  await step('conversations, transcript and jobs in Chinese', async () => {
    await page.getByRole('link', { name: '对话', exact: true }).click();
    await expectPageChange('对话');
    await expectVisible(page.locator('.conversations'));
    await axe('conversations in Chinese');
    await page.getByRole('button', { name: '重置与 Ada 的对话' }).first().click();
    await expectVisible(page.getByRole('alertdialog'));
    await axe('reset confirmation in Chinese');
    await page.keyboard.press('Escape');
    await page.getByRole('link', { name: '打开 Ada 的完整记录' }).first().click();
    await expectVisible(page.getByTestId('transcript'));
    await axe('transcript in Chinese');
    await page.getByRole('link', { name: '任务', exact: true }).click();
    await expectPageChange('任务');
    await axe('jobs in Chinese');
  });

  await step('the integrations page in Chinese', async () => {
    await page.getByRole('link', { name: '集成', exact: true }).click();
    await expectVisible(page.getByRole('heading', { name: '集成', level: 1 }));
    await expectVisible(page.getByRole('button', { name: '创建集成' }));
    await expectVisible(page.getByText('还没有集成。'));
    await axe('integrations in Chinese');
  });

  await step('sign out', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await expectVisible(page.getByRole('heading', { name: '登录' }));
    await page.reload();
    await expectVisible(page.getByLabel('管理员令牌'));
    await axe('sign-in in Chinese');
  });

  await step('every request carried its own X-Trace-Id', async () => {
    const bad = traceIds.filter((entry) => !/^[0-9a-f]{32}$/.test(entry.id ?? ''));
    if (bad.length) throw new Error(`requests without a valid X-Trace-Id: ${JSON.stringify(bad.slice(0, 3))}`);
    if (new Set(traceIds.map((entry) => entry.id)).size !== traceIds.length) throw new Error('a trace id was reused');
    if (traceIds.length < 10) throw new Error(`only ${traceIds.length} API requests seen`);
  });

  if (watch.pageErrors.length) throw new StepError(`uncaught errors in the page: ${watch.pageErrors.join(' | ')}`);
  if (axeViolations.length) throw new StepError(`axe-core found violations in ${axeViolations.length} page states:\n  ${axeViolations.join('\n  ')}`);
  const brokenAnswers = watch.broken();
  if (brokenAnswers.length) throw new StepError(`endpoints the panel uses failed: ${brokenAnswers.join('; ')}`);
  return { axeChecks, shownTraceId };
}

await runE2e('e2e', outputDir, main);
