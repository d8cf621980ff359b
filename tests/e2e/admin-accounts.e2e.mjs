#!/usr/bin/env node
// Browser end-to-end test of admin accounts and the audit trail against a real storybot.
//
//   node tests/e2e/admin-accounts.e2e.mjs        (or: cd admin-web && npm run e2e)
//
// A viewer and an editor are made with `storybot admin add` (the real CLI, on the server's data
// directory, while it runs). The viewer signs in and sees no control that writes, and a direct
// write answers 403; the editor edits a prompt and the Audit page shows the change with its
// before and after, in English and Chinese, with no axe-core violation. Needs what
// admin-panel.e2e.mjs needs (build/storybot or STORYBOT_BIN, admin-web/dist, admin-web's
// node_modules, Debian's chromium or CHROMIUM_BIN). Exit code 0 = pass.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const outputDir = path.join(here, 'output', 'accounts');
const webDir = path.join(repoRoot, 'admin-web', 'dist');
const storybotBin = path.resolve(repoRoot, process.env.STORYBOT_BIN || 'build/storybot');
const chromiumBin = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const START_TIMEOUT_MS = 30_000;
const STEP_TIMEOUT_MS = 15_000;
const requireFromWeb = createRequire(path.join(repoRoot, 'admin-web', 'package.json'));
const axeSource = path.join(repoRoot, 'admin-web', 'node_modules', 'axe-core', 'axe.min.js');

const V1 = 'Once upon a time, {{user_name}} met an owl. {{request}}';
const V2 = 'Once upon a time, {{user_name}} met a wise owl. {{request}}';

const log = (...args) => console.log('[e2e accounts]', ...args);
class StepError extends Error {}

async function main() {
  for (const [file, hint] of [
    [storybotBin, 'build it, or set STORYBOT_BIN'],
    [path.join(webDir, 'index.html'), 'cd admin-web && npm run build'],
    [chromiumBin, 'apt-get install -y chromium'],
    [axeSource, 'cd admin-web && npm ci'],
  ]) {
    if (!fs.existsSync(file)) {
      console.error(`[e2e accounts] FAIL: ${file} missing (${hint})`);
      process.exit(1);
    }
  }
  fs.rmSync(outputDir, { recursive: true, force: true });
  fs.mkdirSync(outputDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storybot-e2e-accounts-'));
  const bootstrap = crypto.randomBytes(24).toString('hex');
  let server;
  let context;
  let ok = false;
  try {
    server = await startStorybot(tmp, bootstrap);
    log(`storybot at ${server.baseUrl}`);
    const viewer = addAdmin(tmp, 'vera', 'viewer');
    const editor = addAdmin(tmp, 'ed', 'editor');
    const { chromium } = requireFromWeb('playwright-core');
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: chromiumBin,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
      locale: 'en-US',
      viewport: { width: 1280, height: 860 },
    });
    await runScenario(context, server.baseUrl, bootstrap, viewer, editor);
    ok = true;
    log('PASS');
  } catch (error) {
    console.error(`[e2e accounts] FAIL: ${error instanceof StepError ? error.message : error?.stack || error}`);
    if (server) console.error(`[e2e accounts] storybot output (last lines):\n${server.output().slice(-3000)}`);
  } finally {
    await context?.close().catch(() => {});
    if (server) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}

function serverEnv(tmp, token) {
  return {
    ...process.env,
    STORYBOT_HTTP_PORT: '0',
    STORYBOT_HTTP_HOST: '127.0.0.1',
    STORYBOT_DATA_DIR: path.join(tmp, 'data'),
    STORYBOT_LOG_DIR: path.join(tmp, 'logs'),
    STORYBOT_ADMIN_TOKEN: token,
    STORYBOT_ADMIN_WEB_DIR: webDir,
  };
}

/** `storybot admin add NAME --role ROLE` on the server's data directory; returns the token printed once. */
function addAdmin(tmp, name, role) {
  const run = spawnSync(storybotBin, ['admin', 'add', name, '--role', role], {
    env: serverEnv(tmp, ''),
    encoding: 'utf8',
    timeout: 30_000,
  });
  const token = /sbadm_[A-Za-z0-9_-]{43}/.exec(run.stdout ?? '')?.[0];
  if (run.status !== 0 || !token) throw new StepError(`admin add ${name} failed (${run.status}): ${run.stderr}`);
  return token;
}

function startStorybot(tmp, token) {
  fs.mkdirSync(path.join(tmp, 'data'));
  fs.mkdirSync(path.join(tmp, 'logs'));
  const child = spawn(storybotBin, [], { cwd: repoRoot, env: serverEnv(tmp, token), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk) => {
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
      reject(new StepError(`storybot did not start within ${START_TIMEOUT_MS / 1000} s\n${output}`));
    }, START_TIMEOUT_MS);
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      append(chunk);
      buffered += chunk.toString();
      const match = /storybot listening on (http:\/\/[^\s/]+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        resolve({ baseUrl: match[1], stop, output: () => output });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new StepError(`storybot exited before listening (code ${code}, signal ${signal})\n${output}`));
    });
  });
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

async function eventually(what, check, timeoutMs = STEP_TIMEOUT_MS) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function runScenario(context, baseUrl, bootstrap, viewer, editor) {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  let n = 0;
  const shot = async (name) => {
    n += 1;
    await page.screenshot({ path: path.join(outputDir, `${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const step = async (name, fn) => {
    log(`step: ${name}`);
    try {
      await fn();
    } catch (error) {
      await shot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      throw new StepError(`step "${name}": ${error.message}`);
    }
  };
  const visible = (locator) => locator.first().waitFor({ state: 'visible' });
  const none = async (locator, what) => {
    const count = await locator.count();
    if (count) throw new Error(`a viewer sees ${count} ${what}`);
  };
  const axe = async (what) => {
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axeSource });
    const result = await page.evaluate(async () => {
      const { violations } = await window.axe.run(document);
      return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    });
    if (result.length) throw new Error(`axe-core on ${what}: ${result.join('; ')}`);
  };
  const signIn = async (token) => {
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await visible(page.getByRole('heading', { name: 'Overview' }));
  };

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

  if (pageErrors.length) throw new StepError(`errors in the page: ${pageErrors.join('; ')}`);
}

await main();
