// Shared steps for the browser tests under tests/: drive Odoo 11's web client in
// Debian's chromium through playwright-core (var/node, from config/package.json).
// A Python test serves Odoo and runs a flow script with one JSON argument, the job:
//   base, db, login, password   where and as whom to log in
//   chromium                    the browser executable
//   screenshot                  where to save the page when the flow fails
//   timeout_ms                  the longest wait for any one step
//   longpolling                 true: let the page poll the bus (the test serves it)
// The flow prints one JSON line with what the user saw; on failure it prints
// {"ok": false, "error": ..., "screenshot": ...} and exits 1.
"use strict";
const path = require("path");

function playwright() {
  const dir = process.env.CRM_NODE_MODULES;
  if (!dir) {
    throw new Error("CRM_NODE_MODULES is not set (the folder holding playwright-core)");
  }
  return require(path.join(dir, "playwright-core"));
}

// Resolve with the name of the first promise that resolves; the others are
// silenced so that their later timeouts do not crash node as unhandled rejections.
function firstOf(named) {
  const entries = Object.entries(named);
  entries.forEach(([, promise]) => promise.catch(() => null));
  return Promise.any(entries.map(([name, promise]) => promise.then(() => name)));
}

async function login(page, job) {
  await page.goto(`${job.base}/web/login?db=${encodeURIComponent(job.db)}`);
  await page.fill("input[name=login]", job.login);
  await page.fill("input[name=password]", job.password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  const refused = await page.$(".oe_login_form .alert-danger");
  if (refused) {
    throw new Error(`login as ${job.login} refused: ${(await refused.innerText()).trim()}`);
  }
  await page.waitForSelector("#oe_main_menu_navbar");
}

// A menu's link carries its action in the URL's hash (#menu_id=..&action=..); going
// to that URL is what a click does, without racing the web client's start: a client
// still starting reads the hash, a running one follows the hash change. (The classic
// navbar also shows a menu only while its app and its section are open; which menus
// a role sees is tested elsewhere.)
async function openMenu(page, xmlid, title) {
  const selector = `a[data-menu-xmlid='${xmlid}']`;
  await page.waitForSelector(selector, {state: "attached"});
  const href = await page.getAttribute(selector, "href");
  await page.goto(new URL(href, page.url()).href);
  if (title) {
    await page.waitForSelector(`.o_control_panel .breadcrumb .active:has-text("${title}")`);
  }
}

// Search a list view for `text` and wait until every row shown matches it, so that
// the rows clicked next are the search's, not the list's first page. The search
// box reacts to key events only (not to a filled-in value): type, wait for its
// suggestions, and take the first one (search by name) with Enter.
async function searchList(page, text) {
  await page.type(".o_searchview_input", text);
  await page.waitForSelector(".o_searchview_autocomplete li");
  await page.press(".o_searchview_input", "Enter");
  await page.waitForFunction((wanted) => {
    const rows = [...document.querySelectorAll(".o_list_view .o_data_row")];
    return rows.length > 0 && rows.every((row) => row.innerText.includes(wanted));
  }, text);
}

async function openRow(page, text) {
  await page.locator(".o_list_view .o_data_row td", {hasText: text}).first().click();
  await page.waitForSelector(".o_form_view");
}

// The state the form's status bar shows: its value and label.
async function statusbar(page) {
  const current = page.locator(".o_form_statusbar .o_statusbar_status .btn-primary");
  return {
    value: await current.getAttribute("data-value"),
    label: (await current.innerText()).trim(),
  };
}

async function rowTexts(page) {
  return page.locator(".o_list_view .o_data_row").allInnerTexts();
}

// Run `flow(page, job)` in a fresh browser, logged in as the job's user, and print
// its result as one JSON line; on failure save a screenshot of the page first.
function main(flow) {
  const pageErrors = [];
  let screenshot = null;
  (async () => {
    const job = JSON.parse(process.argv[2] || "{}");
    const browser = await playwright().chromium.launch({
      executablePath: job.chromium || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync"],
    });
    let page = null;
    try {
      const context = await browser.newContext({viewport: {width: 1366, height: 800}});
      context.setDefaultTimeout(job.timeout_ms || 30000);
      // Nothing outside the test server; and no longpolling, which would park a
      // request for 50 s and use the test's one shared cursor after the test ends
      // (unless the job says the test server answers it: `longpolling: true`).
      await context.route(
        (url) => !url.href.startsWith(job.base) ||
          (!job.longpolling && url.pathname.startsWith("/longpolling/")),
        (route) => route.abort());
      page = await context.newPage();
      page.on("pageerror", (err) => pageErrors.push(String(err)));
      await login(page, job);
      const result = await flow(page, job);
      console.log(JSON.stringify(Object.assign({ok: true, page_errors: pageErrors}, result)));
    } catch (err) {
      if (page && job.screenshot) {
        await page.screenshot({path: job.screenshot, fullPage: true}).catch(() => null);
        screenshot = job.screenshot;
      }
      throw err;
    } finally {
      await browser.close();
    }
  })().catch((err) => {
    console.log(JSON.stringify({ok: false, error: String((err && err.message) || err),
                                screenshot, page_errors: pageErrors}));
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}

module.exports = {firstOf, login, openMenu, searchList, openRow, statusbar, rowTexts, main};
