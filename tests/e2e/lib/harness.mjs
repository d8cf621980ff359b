// Shared start-up of the admin panel's browser e2e tests: paths, preflight, one storybot child on a
// free port, and the run wrapper (temp dir, admin token, output folder, PASS/FAIL, clean-up, exit).
// Each test's own scenario stays in its *.e2e.mjs file.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(e2eDir, '../..');
export const webDir = path.join(repoRoot, 'admin-web', 'dist');
export const storybotBin = path.resolve(repoRoot, process.env.STORYBOT_BIN || 'build/storybot');
export const chromiumBin = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
// playwright-core and axe-core are installed by `npm ci` in admin-web; one install for everything.
export const requireFromWeb = createRequire(path.join(repoRoot, 'admin-web', 'package.json'));
export const axeSource = path.join(repoRoot, 'admin-web', 'node_modules', 'axe-core', 'axe.min.js');
const START_TIMEOUT_MS = 30_000;

/** A failure whose message says it all (printed without a stack). */
export class StepError extends Error {}

/** This test's own git-ignored screenshot folder, tests/e2e/output/<name>/. */
export const outputDirFor = (name) => path.join(e2eDir, 'output', name);

/** A console logger that prefixes each line with `[tag]`. */
export const logger = (tag) => (...args) => console.log(`[${tag}]`, ...args);

/** Polls `check` every 100 ms until it returns something truthy; throws after `timeoutMs`. */
export async function eventually(what, check, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Exits 1 with every missing prerequisite listed (binary, built panel, chromium, node modules). */
function preflight(tag) {
  const problems = [];
  if (!fs.existsSync(storybotBin)) problems.push(`storybot binary not found at ${storybotBin} (build it, or set STORYBOT_BIN)`);
  if (!fs.existsSync(path.join(webDir, 'index.html'))) problems.push(`${webDir}/index.html missing (run: cd admin-web && npm run build)`);
  if (!fs.existsSync(chromiumBin)) problems.push(`${chromiumBin} missing (apt-get install -y chromium)`);
  try {
    requireFromWeb.resolve('playwright-core');
  } catch {
    problems.push('playwright-core missing (run: cd admin-web && npm ci)');
  }
  if (!fs.existsSync(axeSource)) problems.push(`${axeSource} missing (run: cd admin-web && npm ci)`);
  if (problems.length) {
    console.error(`[${tag}] FAIL: cannot start:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
}

/** The environment of a storybot (server or CLI) on tmp/data and tmp/logs, loopback, port 0. */
export function storybotEnv(tmp, token, extraEnv = {}) {
  return {
    ...process.env,
    STORYBOT_HTTP_PORT: '0',
    STORYBOT_HTTP_HOST: '127.0.0.1',
    STORYBOT_DATA_DIR: path.join(tmp, 'data'),
    STORYBOT_LOG_DIR: path.join(tmp, 'logs'),
    STORYBOT_ADMIN_TOKEN: token,
    STORYBOT_ADMIN_WEB_DIR: webDir,
    ...extraEnv,
  };
}

/** Starts storybot on a free port and waits (bounded) for its "listening" line: { baseUrl, stop, output }. */
export function startStorybot(tmp, token, extraEnv = {}) {
  fs.mkdirSync(path.join(tmp, 'data'));
  fs.mkdirSync(path.join(tmp, 'logs'));
  const child = spawn(storybotBin, [], { cwd: repoRoot, env: storybotEnv(tmp, token, extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
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
 * Runs one e2e test and exits 0 (pass) or 1: preflight, an emptied `outputDir`, a temp dir and a
 * random admin token. `body(run)` gets { tmp, token, startStorybot(extraEnv), closeLater(thing) }
 * and returns the PASS line's detail; on failure the storybot output is printed (token masked);
 * everything handed to closeLater and the storybot are closed, newest first, and the temp dir removed.
 */
export async function runE2e(tag, outputDir, body) {
  preflight(tag);
  fs.rmSync(outputDir, { recursive: true, force: true }); // only this run's screenshots
  fs.mkdirSync(outputDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `storybot-${tag.replace(/\W+/g, '-')}-`));
  const closers = [];
  let server;
  const run = {
    tmp,
    token: crypto.randomBytes(24).toString('hex'),
    closeLater(thing) {
      closers.push(() => thing.close());
      return thing;
    },
    async startStorybot(extraEnv = {}) {
      server = await startStorybot(tmp, run.token, extraEnv);
      closers.push(() => server.stop());
      return server;
    },
  };
  let ok = false;
  try {
    const detail = await body(run);
    ok = true;
    console.log(`[${tag}] PASS${detail ? ` (${detail})` : ''}`);
  } catch (error) {
    console.error(`[${tag}] FAIL: ${error instanceof StepError ? error.message : error?.stack || error}`);
    if (server) console.error(`[${tag}] storybot output (last lines):\n${server.output().slice(-3000)}`);
  } finally {
    for (const close of closers.reverse()) await Promise.resolve().then(close).catch(() => {});
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(ok ? 0 : 1);
}
