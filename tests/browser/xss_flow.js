// XSS in the real browser, for tests/test_browser_xss.py:
//   node tests/browser/xss_flow.js '<job json>'
// Besides the job keys of odoo_web.js: `sessions`, a list of {login, pages,
// longpolling, portal}: each user logs in in a browser context of their own and
// opens their pages, and `expect`, {token: the text its payload must show}.
// A page is {name, kind, url, wait, view, action}:
//   kind "web"    a web client URL (hash); waits for the view of that action
//   kind "page"   a page of its own (portal, knowledge, a rendered e-mail)
//   kind "popup"  posts `event` to the telephony event API with `token` and waits
//                 for the caller pop-up
// An init script defines window.__xss before any page script runs; a payload
// that runs pushes its token there. For every page the flow prints what ran
// (`executed`), the elements a payload managed to inject (`injected`: an on*
// attribute, a <script>, a javascript: URL) and the tokens whose text it shows
// (`shown`). First of all a self-check puts a payload into the page with
// innerHTML: the test wants it caught.
"use strict";
const web = require("./odoo_web");

const INIT = "window.__xss = window.__xss || [];";
// after the view is there: time for late renders and for broken images to fail
const SETTLE_MS = 400;

function collect(expect) {
  const executed = window.__xss.splice(0);
  const injected = [];
  const tokenOf = (text) => {
    const match = /__xss\.push\('([^']*)'\)/.exec(text);
    return match ? match[1] : "?";
  };
  const scan = (doc) => {
    for (const el of doc.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        const value = attr.value;
        if (!value.includes("__xss")) {
          continue;
        }
        if (/^on/i.test(attr.name)) {
          injected.push(`${tokenOf(value)} ${attr.name}`);
        } else if (/^(href|src|action|formaction|data|xlink:href)$/i.test(attr.name) &&
                   /^\s*javascript:/i.test(value)) {
          injected.push(`${tokenOf(value)} ${el.tagName.toLowerCase()} ${attr.name}`);
        }
      }
      // a script of the payload's own (Odoo's inline scripts merely quote it)
      if (el.tagName === "SCRIPT" && el.textContent.trim().startsWith("window.__xss")) {
        injected.push(`${tokenOf(el.textContent)} script`);
      }
    }
  };
  scan(document);
  // what the page shows as text: the text of its elements, and the values of
  // its inputs (a field in edit mode)
  let text = document.body ? document.body.textContent : "";
  for (const input of document.querySelectorAll("input, textarea")) {
    text += "\n" + input.value;
  }
  const shown = Object.keys(expect).filter((token) => text.includes(expect[token]));
  return {executed, injected, shown};
}

async function settle(page) {
  await page.waitForLoadState("load");
  await page.waitForTimeout(SETTLE_MS);
}

async function visitWeb(page, job, target) {
  // the views already there are the previous page's: the one to wait for is new
  await page.evaluate(() => {
    for (const view of document.querySelectorAll(".o_view_controller, .o_form_view, " +
                                                 ".o_list_view, .o_kanban_view")) {
      view.setAttribute("data-xss-old", "1");
    }
  });
  await page.goto(job.base + target.url);
  if (target.wait) {
    await page.waitForSelector(target.wait);
    return;
  }
  const view = {kanban: ".o_kanban_view", tree: ".o_list_view",
                form: ".o_form_view"}[target.view];
  await page.waitForSelector(`.o_content ${view}:not([data-xss-old])`);
  if (target.view === "kanban") {
    await page.waitForSelector(".o_kanban_record:not(.o_kanban_ghost)");
  } else if (target.view === "tree") {
    await page.waitForSelector(".o_list_view:not([data-xss-old]) .o_data_row");
  }
}

async function visitPopup(page, job, target) {
  await page.locator(".o_crm_callcenter_status_menu").waitFor({state: "attached"});
  const response = await fetch(`${job.base}/crm_callcenter/event`, {
    method: "POST",
    headers: {"Authorization": `Bearer ${target.token}`,
              "Content-Type": "application/json"},
    body: JSON.stringify(target.event),
  });
  if (response.status !== 200) {
    throw new Error(`the event API answered ${response.status}: ` +
                    JSON.stringify(await response.json()));
  }
  await page.locator(".o_crm_callcenter_popup").waitFor({state: "visible"});
  return {answer: await response.json(),
          text: await page.locator(".o_crm_callcenter_popup").first().innerText()};
}

async function visit(page, job, target) {
  let extra = {};
  if (target.kind === "web") {
    await visitWeb(page, job, target);
  } else if (target.kind === "popup") {
    extra = await visitPopup(page, job, target);
  } else {
    await page.goto(job.base + target.url);
    await page.waitForSelector(target.wait || "body");
  }
  await settle(page);
  return Object.assign({name: target.name, url: page.url()}, extra,
                       await page.evaluate(collect, job.expect));
}

async function selfCheck(page, job) {
  await page.evaluate(() => {
    const sink = document.createElement("div");
    sink.className = "o_xss_selfcheck";
    sink.innerHTML = "<img src=x onerror=\"window.__xss.push('selfcheck')\">";
    document.body.appendChild(sink);
  });
  await page.waitForFunction(() => window.__xss.includes("selfcheck"))
    .catch(() => null);
  const seen = await page.evaluate(collect, job.expect);
  await page.evaluate(() => document.querySelector(".o_xss_selfcheck").remove());
  return Object.assign({name: "self-check", url: page.url()}, seen);
}

async function portalLogin(page, job, login) {
  await page.goto(`${job.base}/web/login?db=${encodeURIComponent(job.db)}`);
  await page.fill("input[name=login]", login);
  await page.fill("input[name=password]", job.password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  if (await page.$(".oe_login_form .alert-danger")) {
    throw new Error(`login as ${login} refused`);
  }
}

async function newSession(browser, job, session) {
  const context = await browser.newContext({viewport: {width: 1366, height: 800}});
  context.setDefaultTimeout(job.timeout_ms || 30000);
  await context.route(
    (url) => !url.href.startsWith(job.base) ||
      (!session.longpolling && url.pathname.startsWith("/longpolling/")),
    (route) => route.abort());
  await context.addInitScript(INIT);
  const page = await context.newPage();
  page.on("pageerror", (err) => job.page_errors.push(`${session.login}: ${err}`));
  if (session.portal) {
    await portalLogin(page, job, session.login);
  } else {
    await web.login(page, Object.assign({}, job, {login: session.login}));
  }
  return {context, page};
}

web.main(async (first, job) => {
  const pages = [];
  job.page_errors = [];
  const browser = first.context().browser();
  // the first session's user is the one odoo_web.js logged in: add the init
  // script and load the web client again
  await first.context().addInitScript(INIT);
  await first.reload();
  await first.waitForSelector("#oe_main_menu_navbar");
  pages.push(await selfCheck(first, job));
  for (const [index, session] of job.sessions.entries()) {
    let page = first;
    let context = null;
    if (index > 0 || session.login !== job.login) {
      ({context, page} = await newSession(browser, job, session));
    }
    for (const target of session.pages) {
      try {
        pages.push(Object.assign({login: session.login},
                                 await visit(page, job, target)));
      } catch (err) {
        if (job.screenshot) {
          await page.screenshot({path: job.screenshot.replace(/\.png$/, `-${session.login}.png`),
                                 fullPage: true}).catch(() => null);
        }
        throw new Error(`${session.login} on ${target.name}: ${err.message}`);
      }
    }
    if (context) {
      await context.close();
    }
  }
  return {pages, flow_page_errors: job.page_errors};
});
