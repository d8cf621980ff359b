#!/usr/bin/env node
// Browser end-to-end test of admin accounts and the audit trail against a real storybot.
//
//   node tests/e2e/admin-accounts.e2e.mjs        (or: cd admin-web && npm run e2e)
//
// A viewer and an editor are made with `storybot admin add` (the real CLI, on the server's data
// directory, while it runs). The viewer signs in and sees no control that writes, and a direct
// write answers 403; the editor edits a prompt and the Audit page shows the change with its
// before and after, in English and Chinese, with no axe-core violation; no endpoint the panel
// calls answers 404, 405 or 5xx. Needs what admin-panel.e2e.mjs needs (build/storybot or
// STORYBOT_BIN, admin-web/dist, admin-web's node_modules, Debian's chromium or CHROMIUM_BIN).
// Screenshots go to tests/e2e/output/accounts/ (git-ignored). Exit code 0 = pass.

import { spawnSync } from 'node:child_process';
import { expectNoAxeViolations, expectVisible as visible, launchBrowser, openPage, signIn as signInAt, stepper, watchPage } from './lib/browser.mjs';
import { StepError, eventually, logger, outputDirFor, runE2e, storybotBin, storybotEnv } from './lib/harness.mjs';

const outputDir = outputDirFor('accounts');
const STEP_TIMEOUT_MS = 15_000;

const V1 = 'Once upon a time, {{user_name}} met an owl. {{request}}';
const V2 = 'Once upon a time, {{user_name}} met a wise owl. {{request}}';

const log = logger('e2e accounts');

/** The run: storybot, a viewer and an editor made with the CLI, chromium, the scenario. */
async function main(run) {
  const server = await run.startStorybot();
  log(`storybot at ${server.baseUrl}`);
  const viewer = addAdmin(run.tmp, 'vera', 'viewer');
  const editor = addAdmin(run.tmp, 'ed', 'editor');
  const context = run.closeLater(await launchBrowser(run.tmp));
  await runScenario(context, server.baseUrl, run.token, viewer, editor);
}

/** `storybot admin add NAME --role ROLE` on the server's data directory; returns the token printed once. */
function addAdmin(tmp, name, role) {
  const run = spawnSync(storybotBin, ['admin', 'add', name, '--role', role], {
    env: storybotEnv(tmp, ''),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const token = /sbadm_[A-Za-z0-9_-]{43}/.exec(run.stdout ?? '')?.[0];
  if (run.status !== 0 || !token) throw new StepError(`admin add ${name} failed (${run.status}): ${run.stderr}`);
  return token;
}

async function api(baseUrl, token, method, pathname, body) {
  const response = await fetch(baseUrl + pathname, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, traceId: response.headers.get('x-trace-id') };
}

async function runScenario(context, baseUrl, bootstrap, viewer, editor) {
  const page = await openPage(context, STEP_TIMEOUT_MS);
  const watch = watchPage(page);
  const { shot, step } = stepper(page, outputDir, log);
  const none = async (locator, what) => {
    const count = await locator.count();
    if (count) throw new Error(`a viewer sees ${count} ${what}`);
  };
  const axe = (what) => expectNoAxeViolations(page, `on ${what}`);
  const signIn = (token) => signInAt(page, baseUrl, token);

  let promptId;
  await step('a prompt to work on (bootstrap token, an editor)', async () => {
    const me = await api(baseUrl, bootstrap, 'GET', '/api/me');
    if (me.body?.role !== 'editor' || me.body?.name !== 'bootstrap') throw new Error(`bootstrap is ${JSON.stringify(me.body)}`);
    const created = await api(baseUrl, bootstrap, 'POST', '/api/prompts', { title: 'Owls', content: V1 });
    if (created.status !== 201) throw new Error(`create answered ${created.status}`);
    promptId = created.body.id;
  });

  await step('the viewer made with the CLI signs in and sees no write control', async () => {
    await eventually('the running server to take the new tokens', async () => (await api(baseUrl, viewer, 'GET', '/api/me')).status === 200);
    await signIn(viewer);
    await visible(page.getByTestId('whoami').filter({ hasText: 'Signed in as vera (viewer)' }));
    await page.getByRole('link', { name: 'Prompts', exact: true }).click();
    await visible(page.getByTestId(`prompt-row-${promptId}`));
    await none(page.getByRole('link', { name: 'Add prompt' }), 'an Add prompt link');
    await none(page.getByTestId(`prompt-row-${promptId}`).getByRole('button'), 'prompt row buttons');
    await page.getByRole('link', { name: 'Edit prompt “Owls”' }).click();
    await visible(page.getByText('You are a viewer'));
    await none(page.getByRole('button', { name: /^(Save|Delete|Restore)/ }), 'save/delete/restore buttons');
    await page.getByRole('link', { name: 'Integrations', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Integrations', level: 1 }));
    await none(page.getByRole('button', { name: 'Create integration' }), 'a create integration button');
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Jobs', level: 1 }));
    await none(page.getByRole('button', { name: /^(Retry|Discard) job/ }), 'retry/discard buttons');
    await shot('viewer-jobs');
  });

  await step('a direct write with the viewer token answers 403', async () => {
    const put = await api(baseUrl, viewer, 'PUT', `/api/prompts/${promptId}`, { content: 'viewer was here' });
    if (put.status !== 403 || put.body?.error?.code !== 'forbidden') throw new Error(`PUT answered ${put.status} ${JSON.stringify(put.body)}`);
    const after = await api(baseUrl, viewer, 'GET', `/api/prompts/${promptId}`);
    if (after.body.content !== V1) throw new Error('the refused write changed the prompt');
  });

  await step('the editor signs in and edits the prompt', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(editor);
    await visible(page.getByTestId('whoami').filter({ hasText: 'Signed in as ed (editor)' }));
    await page.getByRole('link', { name: 'Prompts', exact: true }).click();
    await page.getByRole('link', { name: 'Edit prompt “Owls”' }).click();
    await page.getByLabel('Template', { exact: true }).fill(V2);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByTestId('current-version').filter({ hasText: '2' }));
  });

  await step('the Audit page shows the edit with before and after (axe-clean)', async () => {
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await visible(page.getByRole('heading', { name: 'Audit log', level: 1 }));
    if (!(await page.title()).includes('Audit log')) throw new Error(`document title is "${await page.title()}"`);
    const row = page.locator('tr', { hasText: 'prompt.update' }).first();
    await visible(row);
    for (const text of ['ed', 'PUT /api/prompts/{id}', String(promptId)]) await visible(row.getByText(text, { exact: false }));
    await row.locator('summary').focus();
    await page.keyboard.press('Enter');
    await visible(row.getByTestId('audit-before').filter({ hasText: 'met an owl' }));
    await visible(row.getByTestId('audit-after').filter({ hasText: 'met a wise owl' }));
    await visible(row.getByTestId('changed-fields').filter({ hasText: 'content' }));
    const audit = await api(baseUrl, editor, 'GET', '/api/audit?actor=ed');
    const entry = audit.body.entries.find((e) => e.action === 'prompt.update');
    if (!entry || !(await row.innerText()).includes(entry.trace_id)) throw new Error('the row does not show the trace id');
    await axe('the Audit page (English, changes open)');
    await shot('audit-en');
  });

  await step('the Audit page in Chinese (axe-clean)', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await visible(page.getByRole('heading', { name: '审计日志', level: 1 }));
    await visible(page.getByRole('columnheader', { name: '追踪 ID' }));
    await axe('the Audit page (Chinese)');
    await shot('audit-zh');
    await page.getByLabel('语言').selectOption('en');
  });

  if (watch.pageErrors.length) throw new StepError(`errors in the page: ${watch.pageErrors.join('; ')}`);
  const broken = watch.broken();
  if (broken.length) throw new StepError(`endpoints the panel uses failed: ${broken.join('; ')}`);
}

await runE2e('e2e accounts', outputDir, main);
