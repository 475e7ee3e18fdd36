/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against a test gateway with the
 * simulator: a new user signs up, creates an API key, calls the API with it (openai SDK), finds the request in Logs
 * and on the Usage chart, sets the key's provider preferences and sees the API route with them, sets its limits and
 * allowed models and sees the API hold to them (and its end user on the Usage page), revokes the key and
 * sees the API refuse it, adds a provider key and sees only its last 4,
 * visits Overview, Models, Playground (a streamed answer with its routed model) and Status, and on Account changes
 * the password (another browser is signed out, this one is not) and signs out everywhere. Each test has a
 * fresh browser context; they share the gateway and the account, in order. Screenshots of the main pages land in
 * `docs/screenshots/` (see `screenshot`).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { createUsageRecord } from '../../src/metering/usage-record.js';
import { findAccountByEmail, listApiKeys } from '../../src/store/index.js';
import { browserSkipReason, ensureWebBuild, launchChromium, openPage, screenshot, waitUntil } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** Without Chromium (and not on CI) the suite is skipped with this one-line reason. */
const skip = browserSkipReason();

const EMAIL = 'ada@example.com';
const PASSWORD = 'correct horse battery staple';
const KEY_NAME = 'production-backend';

describe('dashboard in Chromium', { skip: skip ?? false, timeout: 90_000 }, () => {
  let gw: TestGateway;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let pageErrors: string[] = [];
  /** The secret read from the page once, when the key was created. */
  let secret = '';

  before(async () => {
    // The browser first: without it (CI) the suite fails here, before anything needs stopping.
    browser = await launchChromium();
    ensureWebBuild();
    gw = await startTestGateway();
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await gw?.close();
  });

  /** A fresh context for each test; the previous one is closed and its uncaught page errors fail that test. */
  async function freshPage(): Promise<Page> {
    await context?.close();
    const opened = await openPage(browser, gw.url);
    context = opened.context;
    pageErrors = opened.pageErrors;
    return opened.page;
  }

  function assertNoPageErrors(): void {
    assert.deepEqual(pageErrors, [], 'uncaught errors in the page');
  }

  async function logIn(page: Page, next: string, password = PASSWORD): Promise<void> {
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === next);
  }

  /** A fresh page on /keys with the test key's settings dialog open at `section`: the page, the key's row, the dialog. */
  async function openKeySettings(section: string): Promise<{ page: Page; row: Locator; dialog: Locator }> {
    const page = await freshPage();
    await logIn(page, '/keys');
    const row = page.getByRole('row', { name: new RegExp(KEY_NAME) });
    await row.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: `Settings for “${KEY_NAME}”` });
    await dialog.getByRole('group', { name: section }).waitFor();
    return { page, row, dialog };
  }

  async function goTo(page: Page, link: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { level: 1, name: link }).waitFor();
  }

  it('signs up, creates a key, calls the API with it and finds the request in Logs and on the Usage chart', async () => {
    const page = await freshPage();
    await page.goto('/signup');
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, 'signup');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();

    await goTo(page, 'API Keys');
    await page.getByLabel('Name', { exact: true }).fill(KEY_NAME);
    await page.getByRole('button', { name: 'Create key' }).click();
    secret = ((await page.getByTestId('new-secret').textContent()) ?? '').trim();
    assert.match(secret, /^op_\S{20,}$/, 'the new key’s secret is shown');
    const row = page.getByRole('row', { name: new RegExp(KEY_NAME) });
    await row.getByText('Active').waitFor();
    await row.getByText(`op_…${secret.slice(-4)}`).waitFor();

    // The API accepts the key: one request to look for, a few more so the charts have something to show.
    const client = gw.client(secret);
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello from the browser test' }] })
      .withResponse();
    assert.equal(completion.object, 'chat.completion');
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId, 'x-request-id header');
    await Promise.all(
      ['claude-haiku-4.5', 'gemini-2.5-flash', 'auto', 'gpt-4o-mini'].map((model) =>
        client.chat.completions.create({ model, messages: [{ role: 'user', content: `A question for ${model}` }] }),
      ),
    );
    await gw.ledger.flush();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByText('Active').waitFor();
    await screenshot(page, 'keys');

    // Logs: the request's row, found by its id (in the time cell's title), with the key and the models.
    await goTo(page, 'Logs');
    const logRow = page.getByRole('row').filter({ has: page.locator(`span[title$="request ${requestId}"]`) });
    await waitUntil('the request in Logs', async () => {
      if (await logRow.count()) return true;
      await page.getByRole('button', { name: 'Refresh' }).click();
      return undefined;
    });
    const cells = (await logRow.getByRole('cell').allInnerTexts()).map((text) => text.trim());
    assert.ok(cells.includes(KEY_NAME), `key name in ${JSON.stringify(cells)}`);
    assert.ok(cells.includes('gpt-4o-mini'), `model in ${JSON.stringify(cells)}`);
    assert.ok(cells.includes('200'), `status in ${JSON.stringify(cells)}`);
    assert.ok(cells.includes('Chat'), `endpoint in ${JSON.stringify(cells)}`);
    assert.ok(!cells.some((cell) => cell.startsWith('≈')), `reported usage is not marked estimated: ${JSON.stringify(cells)}`);
    assert.equal(await page.getByRole('row').filter({ hasText: KEY_NAME }).count(), 5, 'all five requests are listed');
    await screenshot(page, 'logs');

    // A ledger row whose upstream reported no usage: the log names its endpoint and marks its tokens as estimated.
    const account = await findAccountByEmail(gw.store.db, EMAIL);
    const key = (await listApiKeys(gw.store.db, account?.id ?? '')).find((listed) => listed.name === KEY_NAME);
    assert.ok(account && key, 'the account and key the browser created');
    gw.ledger.record(
      createUsageRecord({
        requestId: 'req_estimated_embedding',
        accountId: account.id,
        keyId: key.id,
        requestedModel: 'text-embedding-3-small',
        routedModel: 'text-embedding-3-small',
        provider: 'openai',
        byok: false,
        promptTokens: 1234,
        completionTokens: 0,
        costUsd: 0.00002468,
        latencyMs: 40,
        ttftMs: null,
        status: 200,
        errorCode: null,
        stream: false,
        startedAtMs: Date.now(),
        endpoint: 'embeddings',
        estimated: true,
      }),
    );
    await gw.ledger.flush();
    const estimatedRow = page.getByRole('row').filter({ has: page.locator('span[title$="request req_estimated_embedding"]') });
    await waitUntil('the estimated row in Logs', async () => {
      if (await estimatedRow.count()) return true;
      await page.getByRole('button', { name: 'Refresh' }).click();
      return undefined;
    });
    const estimatedCells = (await estimatedRow.getByRole('cell').allInnerTexts()).map((text) => text.trim());
    assert.ok(estimatedCells.includes('Embeddings'), `endpoint in ${JSON.stringify(estimatedCells)}`);
    assert.ok(estimatedCells.includes('≈ 1,234'), `estimated tokens in ${JSON.stringify(estimatedCells)}`);
    const tokensTitle = await estimatedRow.getByRole('cell').filter({ hasText: '≈' }).getAttribute('title');
    assert.match(tokensTitle ?? '', /^Estimated: the provider reported no usage/);

    // Usage: the day chart is a recharts SVG with a drawn series; the by-model chart has a bar per model.
    await goTo(page, 'Usage');
    const dayChart = page.getByRole('figure', { name: /per day/ });
    await dayChart.locator('svg.recharts-surface').waitFor();
    await dayChart.locator('.recharts-area-curve').first().waitFor();
    const byModel = page.getByRole('figure', { name: /by model/ });
    await byModel.locator('svg.recharts-surface').waitFor();
    await waitUntil('a bar per model', async () => ((await byModel.locator('.recharts-bar-rectangle').count()) >= 3 ? true : undefined));
    await page.getByRole('rowheader', { name: 'gpt-4o-mini' }).waitFor();
    await screenshot(page, 'usage');
    assertNoPageErrors();
  });

  it("sets the key's provider preferences in its settings; the API routes with them", async () => {
    assert.ok(secret, 'a previous test created a key');
    const { row, dialog } = await openKeySettings('Provider preferences');
    await dialog.getByLabel('Never these providers').fill('OpenAI');
    await dialog.getByLabel('Sort deployments by').selectOption('price');
    await dialog.getByLabel('Max completion price (USD per million tokens)').fill('-1');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Max completion price must be a non-negative amount').waitFor();
    await dialog.getByLabel('Max completion price (USD per million tokens)').fill('');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('sort price · ignore openai').waitFor();

    const answer = await gw
      .client(secret)
      .chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'Route me by the key defaults.' }] })
      .withResponse();
    assert.equal(answer.response.headers.get('x-op-routing'), 'cost', "the key's sort: price");
    assert.notEqual(answer.response.headers.get('x-op-provider'), 'openai', "the key's ignore");
    assertNoPageErrors();
  });

  it("sets the key's limits and access in its settings; the API holds to them, and usage shows its end users", async () => {
    assert.ok(secret, 'a previous test created a key');
    const { page, row, dialog } = await openKeySettings('Limits and access');
    await dialog.getByLabel('Allowed models').fill('claude-*, gemini-2.5-flash');
    await dialog.getByLabel('Requests per minute').fill('0');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Requests per minute must be a whole number of at least 1').waitFor();
    await dialog.getByLabel('Requests per minute').fill('50');
    await dialog.getByLabel('Budget (USD)').fill('25');
    await dialog.getByLabel('Budget period').selectOption('weekly');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('$25.00/week · 50 rpm · claude-*, gemini-2.5-flash').waitFor();

    const client = gw.client(secret);
    const refused = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    assert.ok(refused instanceof OpenAI.PermissionDeniedError, String(refused));
    const answer = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'Who may I use?' }], user: 'customer-42' })
      .withResponse();
    assert.match(answer.response.headers.get('x-op-model') ?? '', /^(claude-|gemini-2\.5-flash$)/);
    assert.equal(answer.response.headers.get('x-ratelimit-limit'), '50', "the key's own rpm is the tighter");

    await gw.ledger.flush();
    await page.goto('/usage');
    await page.getByRole('region', { name: 'By end user' }).getByRole('button', { name: 'customer-42' }).click();
    await page.getByRole('button', { name: 'Show all end users' }).waitFor();
    const filter = page.getByRole('textbox', { name: 'End user' });
    assert.equal(await filter.inputValue(), 'customer-42', 'the page is narrowed to the end user');
    assertNoPageErrors();
  });

  it('revokes the key in the browser, and the API refuses it (401) right after', async (t) => {
    assert.ok(secret, 'the previous test created a key');
    const page = await freshPage();
    await logIn(page, '/keys');
    const row = page.getByRole('row', { name: new RegExp(KEY_NAME) });
    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke this key?' });
    await dialog.getByText(`op_…${secret.slice(-4)}`).waitFor();
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    const revokedAt = Date.now();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('Revoked').waitFor();
    assert.equal(await row.getByRole('button', { name: 'Revoke' }).count(), 0, 'a revoked key has no actions');

    const client = gw.client(secret);
    const status = await waitUntil(
      'the API to refuse the revoked key',
      async () => {
        try {
          await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still there?' }] });
          return undefined;
        } catch (error) {
          if (error instanceof OpenAI.APIError && error.status === 401) return error.status;
          throw error;
        }
      },
      3_000,
    );
    assert.equal(status, 401);
    t.diagnostic(`the API refused the key ${Date.now() - revokedAt} ms after the click on Revoke`);
    assertNoPageErrors();
  });

  it('visits Status (public), Overview, Models, Playground (a streamed answer with its routed model)', async () => {
    const page = await freshPage();
    // Status is public: no session, no redirect to the login page.
    await page.goto('/status');
    await page.getByRole('heading', { level: 1, name: 'Status' }).waitFor();
    await page.getByText('Operational').first().waitFor();
    assert.equal(new URL(page.url()).pathname, '/status');

    await logIn(page, '/');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await page.getByText('Spend this month').waitFor();
    const chart = page.getByRole('figure', { name: /last 30 days/ });
    await chart.locator('svg.recharts-surface').waitFor();
    await chart.locator('.recharts-area-curve').first().waitFor();
    await screenshot(page, 'overview');

    await goTo(page, 'Models');
    await page
      .getByRole('row', { name: /gpt-4o-mini/ })
      .first()
      .waitFor();
    await page
      .getByRole('row', { name: /claude-haiku-4\.5/ })
      .first()
      .waitFor();
    await screenshot(page, 'models');

    await goTo(page, 'Playground');
    await page.getByLabel('Model').selectOption('auto');
    await page.getByLabel('Routing mode').selectOption('latency');
    await page.getByRole('button', { name: /create a “Playground” key now/ }).click();
    const keyInput = page.getByLabel('API key');
    await waitUntil('the Playground key', async () => ((await keyInput.inputValue()).startsWith('op_') ? true : undefined));
    await page.getByLabel('Message').fill('Write a haiku about routing requests.');
    const [request, answer] = await Promise.all([
      page.waitForRequest((candidate) => candidate.url().endsWith('/v1/chat/completions')),
      page.waitForResponse((candidate) => candidate.url().endsWith('/v1/chat/completions')),
      page.getByRole('button', { name: 'Send' }).click(),
    ]);
    const body = request.postDataJSON() as { model: string; stream: boolean; routing?: string };
    assert.equal(body.model, 'auto');
    assert.equal(body.stream, true);
    assert.equal(answer.status(), 200);
    assert.match((await answer.allHeaders())['content-type'] ?? '', /^text\/event-stream/);
    const routed = page.getByTestId('routed-model');
    await routed.waitFor();
    const routedModel = ((await routed.textContent()) ?? '').trim();
    const catalog = await gw.client(gw.apiKey).models.list();
    assert.ok(
      catalog.data.some((model) => model.id === routedModel),
      `the routed model ${JSON.stringify(routedModel)} is a catalog model`,
    );
    assert.equal(routedModel, (await answer.allHeaders())['x-op-model'], 'the page shows x-op-model');
    await page.getByTestId('usage-tokens').waitFor();
    await page.getByTestId('usage-cost').waitFor();
    const reply = page.getByRole('article', { name: 'Assistant' }).last();
    assert.ok(((await reply.innerText()) ?? '').trim().length > 0, 'the answer has text');
    await screenshot(page, 'playground');

    await goTo(page, 'Status');
    await page.getByText('Operational').first().waitFor();
    await screenshot(page, 'status');
    assertNoPageErrors();
  });

  it('adds a provider key and shows only its last 4 characters', async () => {
    const page = await freshPage();
    await logIn(page, '/provider-keys');
    const last4 = 'WXYZ';
    const providerKey = `sk-proj-${randomBytes(18).toString('hex')}${last4}`;
    await page.getByLabel('Provider').selectOption('openai');
    await page.getByLabel('API key').fill(providerKey);
    // The probe sees a key that is on the page (here: in the field) …
    await assert.rejects(assertNowhereOnPage(page, providerKey), /appears on the page/);
    await page.getByRole('button', { name: 'Add provider key' }).click();
    const row = page.getByRole('row', { name: /OpenAI/ });
    await row.getByText(`••••${last4}`).waitFor();
    // … and finds none of it once the key is saved.
    assert.equal(await page.getByLabel('API key').inputValue(), '', 'the input is cleared');
    await assertNowhereOnPage(page, providerKey);

    // After a reload the list comes from the server: still only the last 4.
    await page.reload();
    await row.getByText(`••••${last4}`).waitFor();
    await assertNowhereOnPage(page, providerKey);
    await screenshot(page, 'provider-keys');
    assertNoPageErrors();
  });

  it('changes the password on Account, which signs another browser out, then signs out everywhere', async () => {
    const newPassword = 'a brand new passphrase';
    const other = await openPage(browser, gw.url);
    try {
      await logIn(other.page, '/keys');
      const page = await freshPage();
      await logIn(page, '/account');
      await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor();
      await page.getByLabel('Current password').fill('not the password');
      await page.getByLabel('New password').fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('alert').getByText('The current password is not right.').waitFor();

      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed. Every other session was signed out.').waitFor();
      // The other browser's session has ended: its next call answers 401 and it lands on the login page.
      await other.page.reload();
      await other.page.waitForURL((url) => url.pathname === '/login');
      // This one stays signed in.
      await goTo(page, 'API Keys');

      await goTo(page, 'Account');
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      const dialog = page.getByRole('dialog', { name: 'Sign out everywhere?' });
      await dialog.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page.waitForURL((url) => url.pathname === '/login');
      await page.goto('/keys');
      await page.waitForURL((url) => url.pathname === '/login');

      await logIn(page, '/account', newPassword);
      assert.deepEqual(other.pageErrors, [], 'uncaught errors in the other page');
      assertNoPageErrors();
    } finally {
      await other.context.close();
    }
  });
});

/** What a page holds as text: its DOM, rendered text, every field's value and its web storage. */
const PAGE_TEXT = `(() => ({
  html: document.documentElement.outerHTML,
  text: document.body.innerText,
  values: [...document.querySelectorAll('input, textarea, select')].map((field) => field.value).join('\\n'),
  storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
}))()`;

/** The secret (or a long piece of it) is nowhere in the page's text (see `PAGE_TEXT`). */
async function assertNowhereOnPage(page: Page, secret: string): Promise<void> {
  const middle = secret.slice(8, -4);
  const places = (await page.evaluate(PAGE_TEXT)) as Record<string, string>;
  places.content = await page.content();
  const found = Object.entries(places)
    .filter(([, text]) => text.includes(secret) || text.includes(middle))
    .map(([place]) => place);
  assert.deepEqual(found, [], 'the provider key appears on the page');
}
