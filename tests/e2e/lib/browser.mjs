// Shared browser side of the admin panel's e2e tests: Debian chromium through playwright-core,
// page watchers, numbered screenshots and steps, sign-in, and axe-core.

import path from 'node:path';
import { StepError, axeSource, chromiumBin, requireFromWeb } from './harness.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches chromium headless with a fresh user-data-dir (tmp/profile), English, 1280×860. */
export function launchBrowser(tmp) {
  const { chromium } = requireFromWeb('playwright-core');
  // A persistent context is how Playwright takes a fresh --user-data-dir.
  return chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: chromiumBin,
    headless: true,
    args: CHROMIUM_ARGS,
    locale: 'en-US',
    viewport: { width: 1280, height: 860 },
  });
}

/** The context's first page, with `timeoutMs` as the default for every wait. */
export async function openPage(context, timeoutMs) {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeoutMs);
  return page;
}

/** Waits until the first element `locator` matches is visible. */
export const expectVisible = (locator) => locator.first().waitFor({ state: 'visible' });

/**
 * Records uncaught page errors and every /api/ answer of 400 or more: { pageErrors, apiErrors,
 * broken() }; broken() lists the 404/405/5xx answers, which mean a missing or broken endpoint.
 */
export function watchPage(page) {
  const pageErrors = [];
  const apiErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (response) => {
    const url = new URL(response.url());
    const status = response.status();
    if (url.pathname.startsWith('/api/') && status >= 400) {
      apiErrors.push({ status, text: `${response.request().method()} ${url.pathname} answered ${status}` });
    }
  });
  const broken = () => apiErrors.filter(({ status }) => [404, 405].includes(status) || status >= 500).map(({ text }) => text);
  return { pageErrors, apiErrors, broken };
}

/**
 * Numbered full-page screenshots into `outputDir` (shot(name) → NN-name.png) and named steps
 * (step(name, fn) logs, runs fn, and on failure saves a FAILED-… shot and throws a StepError;
 * `afterEach`, if given, runs after every step that passed).
 */
export function stepper(page, outputDir, log, afterEach = () => {}) {
  let n = 0;
  const shot = async (name) => {
    n += 1;
    const file = path.join(outputDir, `${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
  const step = async (name, fn) => {
    log(`step: ${name}`);
    try {
      await fn();
    } catch (error) {
      await shot(`FAILED-${name.replace(/\W+/g, '-')}`).catch(() => {});
      throw new StepError(`step "${name}": ${error.message}`);
    }
    afterEach(name);
  };
  return { shot, step };
}

/** Opens /admin/, signs in with `token` (English form) and waits for the Overview heading. */
export async function signIn(page, baseUrl, token) {
  await page.goto(`${baseUrl}/admin/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectVisible(page.getByRole('heading', { name: 'Overview', level: 1 }));
}

/** Runs axe-core (every rule, every impact; injected once) on the page: { violations: [text], passed }. */
export async function axeCheck(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ path: axeSource });
  return page.evaluate(async () => {
    // Only the violations get every node; the passes are just counted.
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    const violations = result.violations.map((v) => {
      const targets = v.nodes.map((node) => node.target.join(' '));
      const more = targets.length > 3 ? ` (+${targets.length - 3} more)` : '';
      return `${v.id} (${v.impact}): ${targets.slice(0, 3).join(', ')}${more}`;
    });
    return { violations, passed: result.passes.length };
  });
}

/** Throws when axe-core finds any violation on the page as it is now (`state` names it). */
export async function expectNoAxeViolations(page, state) {
  const { violations, passed } = await axeCheck(page);
  if (violations.length) throw new Error(`axe-core found ${violations.length} violation(s) ${state}:\n  ${violations.join('\n  ')}`);
  return passed;
}
