/**
 * The console in a real browser (issue 13 "Test against"): playwright-core drives Debian's chromium against
 * the real server on loopback with a demo-seeded store. Log in through the form, check that every GPO's
 * verdict on the overview equals `report readiness --json`, open a GPO page, a file page and the history,
 * reach the content with the keyboard, switch to dark. Screenshots go to test-artifacts/screenshots
 * (git-ignored). Skips with a message when /usr/bin/chromium is absent.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addAccount, FAST_TEST_KDF } from '../app/index.js';
import { openAccountStore, systemClock } from '../store/index.js';
import { projectRoot } from '../../test-support/corpus.js';
import { runCliInProcess } from '../../test-support/cli.js';
import { seededWorkspace, type SeededWorkspace } from '../../test-support/server-fixture.js';
import { DEFAULT_WEB_ROOT, startServer, type RunningServer } from './index.js';

const CHROMIUM = process.env.LOCKSTEP_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const haveConsole = existsSync(join(DEFAULT_WEB_ROOT, 'index.html'));
if (!haveChromium) process.stderr.write(`NOTE: ${CHROMIUM} is absent: browser tests skipped (apt-get install chromium)\n`);
if (!haveConsole) process.stderr.write('NOTE: the console is not built (dist/web): browser tests skipped (npm run build)\n');
const shots = join(projectRoot, 'test-artifacts', 'screenshots');

describe.skipIf(!haveChromium || !haveConsole)('console in chromium', () => {
  let ws: SeededWorkspace;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    ws = await seededWorkspace();
    const accounts = await openAccountStore(ws.store);
    for (const [name, role] of [['alice', 'admin'], ['ann', 'analyst'], ['abe', 'approver']] as const) {
      await addAccount({ accounts, clock: systemClock }, { name, role, password: `password-of-${name}`, actor: 'test', kdf: FAST_TEST_KDF });
    }
    await accounts.close();
    const r = await startServer({ workspace: ws.dir, listen: '127.0.0.1:0', env: () => undefined, checkResponses: true });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    server = r.value;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    ws?.cleanup();
  });

  async function logIn(name: string): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Account').fill(name);
    await page.getByLabel('Password').fill(`password-of-${name}`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('me').waitFor();
  }

  it('logs in; the overview\'s verdicts equal `report readiness --json`', async () => {
    await page.goto(`${server.url}/`);
    await page.getByLabel('Account').fill('ann');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong account name or password');
    await logIn('ann');
    await page.getByTestId('verdict-overall').waitFor();
    await page.screenshot({ path: join(shots, 'overview-light.png'), fullPage: true });
    const cli = await runCliInProcess(['report', 'readiness', '--workspace', ws.dir, '--json']);
    const want = JSON.parse(cli.stdout) as { verdict: string; gpos: { gpo: string; verdict: string }[] };
    expect(want.gpos.length).toBeGreaterThan(1);
    expect(await page.getByTestId('verdict-overall').textContent()).toBe(want.verdict);
    for (const g of want.gpos) expect(await page.getByTestId(`verdict-${g.gpo}`).textContent(), g.gpo).toBe(g.verdict);
    // The chart is SVG: its bars are DOM nodes.
    expect(await page.locator('div[role=img] svg path').count()).toBeGreaterThan(0);
  });

  it('opens a GPO page, then a would-be-blocked file and the rule that would fix it', async () => {
    const cli = JSON.parse((await runCliInProcess(['report', 'readiness', '--workspace', ws.dir, '--json'])).stdout) as { gpos: { gpo: string; verdict: string; groups: { wouldBlock: unknown[] }[] }[] };
    const g = cli.gpos.find((x) => x.groups.some((y) => y.wouldBlock.length > 0))!;
    await page.getByRole('link', { name: g.gpo, exact: true }).click();
    await page.getByTestId('gpo-verdict').waitFor();
    expect(await page.getByTestId('gpo-verdict').textContent()).toBe(g.verdict);
    await page.screenshot({ path: join(shots, 'gpo.png'), fullPage: true });
    // the first file of any group's would-be-blocked table (the GPO's first group may have none)
    await page.locator('table', { has: page.locator('caption', { hasText: 'Would be blocked' }) }).locator('tbody a').first().click();
    await page.getByRole('heading', { name: 'Where Enforce would block it' }).waitFor();
    expect(await page.getByText(/Fixed by:|No suggested rule/).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'file.png'), fullPage: true });
  });

  it('is usable from the keyboard and readable in dark', async () => {
    await page.goto(`${server.url}/?fresh#/`); // a new document: focus starts at the top
    await page.getByTestId('verdict-overall').waitFor();
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // Overview
    await page.keyboard.press('Tab'); // Files
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Files');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Files' }).waitFor();
    await page.getByRole('button', { name: /switch to dark theme/ }).click();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('dark');
    // (strings: the test runs under Node's types, the expression in the page)
    const [bg, fg] = await page.evaluate<[string, string]>('[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]');
    expect(bg).not.toBe(fg);
    expect(bg).toBe('rgb(20, 23, 27)');
    await page.screenshot({ path: join(shots, 'files-dark.png'), fullPage: true });
    await page.goto(`${server.url}/#/history`);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.getByRole('cell', { name: 'session.login' }).first().waitFor();
    expect(await page.getByRole('cell', { name: 'ann', exact: true }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'history-dark.png'), fullPage: true });
  });

  it('logs out; two accounts prepare and approve; the preparer cannot approve; promote and roll back with confirmation', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await logIn('ann'); // analyst: prepares
    await page.goto(`${server.url}/#/gpo/${encodeURIComponent('AppLocker - Finance')}`);
    await page.getByTestId('gpo-verdict').waitFor();
    expect(await page.getByRole('button', { name: 'Promote to Enforce…' }).count()).toBe(0); // not an approver
    await page.getByRole('button', { name: /^accept rule / }).first().click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/accepted .* \(prepared by ann\)/);
    await page.screenshot({ path: join(shots, 'accept-by-analyst.png'), fullPage: false });
    await page.getByRole('button', { name: 'Log out' }).click();

    await logIn('abe'); // approver: approves what ann prepared
    await page.goto(`${server.url}/#/gpo/${encodeURIComponent('AppLocker - Finance')}`);
    await page.getByTestId('gpo-verdict').waitFor();
    await page.getByRole('button', { name: 'Promote to Enforce…' }).click();
    await page.getByRole('dialog').waitFor();
    await page.screenshot({ path: join(shots, 'promote-confirm.png') });
    await page.getByLabel(/Reason/).fill('pilot approved by the Finance owner');
    await page.getByLabel(/Force even if not ready/).check();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/promoted .* to Enforce rules/);

    // abe prepares a change himself: he cannot approve it.
    await page.goto(`${server.url}/#/gpo/${encodeURIComponent('AppLocker Baseline - Workstations')}`);
    await page.getByTestId('gpo-verdict').waitFor();
    await page.getByRole('button', { name: /^accept rule / }).first().click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/accepted/);
    await page.getByRole('button', { name: 'Promote to Enforce…' }).click();
    await page.getByLabel(/Reason/).fill('trying to approve my own change');
    await page.getByLabel(/Force even if not ready/).check();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/abe.* prepared this change and cannot also approve it/);
    await page.screenshot({ path: join(shots, 'separation-of-duties.png') });

    // Roll back Finance, with confirmation; Escape cancels a dialog.
    await page.goto(`${server.url}/#/gpo/${encodeURIComponent('AppLocker - Finance')}`);
    await page.getByTestId('gpo-verdict').waitFor();
    await page.getByRole('button', { name: 'Roll back…' }).click();
    await page.keyboard.press('Escape');
    expect(await page.getByRole('dialog').count()).toBe(0);
    await page.getByRole('button', { name: 'Roll back…' }).click();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/rolled back/);

    await page.goto(`${server.url}/#/history`);
    await page.getByRole('cell', { name: 'gpo.rollback' }).first().waitFor();
    const rows = await page.locator('table').first().locator('tbody tr').allTextContents();
    expect(rows.some((r) => r.includes('ann') && r.includes('accept'))).toBe(true);
    expect(rows.some((r) => r.includes('abe') && r.includes('promote'))).toBe(true);
    expect(rows.some((r) => r.includes('abe') && r.includes('rollback'))).toBe(true);
    await page.screenshot({ path: join(shots, 'history-after-promotion.png'), fullPage: true });
  });

  it('logs out; the console logged no errors', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    // 401 (/api/me before login), 403 and 409 are answers the page shows, logged by chromium as failed loads.
    expect(consoleErrors.filter((e) => !/\b(401|403|409)\b/.test(e))).toEqual([]);
  });
});
