// Take the README's screenshots from a running server (./scripts/run):
//   node scripts/lib/screenshots.js [base-url] [out-dir]
// Logs in as demo users in Debian's chromium through playwright-core.
const path = require("path");
const { chromium } = require(path.join(process.env.CRM_NODE_MODULES, "playwright-core"));

const base = process.argv[2] || "http://127.0.0.1:8069";
const out = process.argv[3] || "docs/screenshots";

async function jsonrpc(page, url, params) {
  return page.evaluate(async ([u, p]) => {
    const r = await fetch(u, {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({jsonrpc: "2.0", method: "call", params: p})});
    return (await r.json()).result;
  }, [url, params]);
}

async function submitLogin(page, user) {
  await page.goto(base + "/web/login");
  await page.fill("input[name=login]", user);
  await page.fill("input[name=password]", user === "admin" ? "admin" : "demo");
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

async function login(browser, user, lang) {
  // Log in as `user`; with `lang`, switch the user's language and log in again (the
  // session keeps the language it started with).
  const context = await browser.newContext({viewport: {width: 1366, height: 800}});
  const page = await context.newPage();
  await submitLogin(page, user);
  if (lang) {
    const uid = await page.evaluate(() => odoo.session_info && odoo.session_info.uid);
    await jsonrpc(page, "/web/dataset/call_kw/res.users/write",
      {model: "res.users", method: "write", args: [[uid], {lang}], kwargs: {}});
    await page.goto(base + "/web/session/logout");
    await submitLogin(page, user);
  }
  try {
    await page.waitForSelector("#oe_main_menu_navbar", {timeout: 30000});
  } catch (e) {
    console.error("Logging in as " + user + " ended at " + page.url());
    throw e;
  }
  return page;
}

// Go to a menu's action by its link (the link may sit in a closed dropdown).
async function gotoMenu(page, xmlid) {
  const selector = `a[data-menu-xmlid='${xmlid}']`;
  await page.waitForSelector(selector, {state: "attached", timeout: 30000});
  const href = await page.getAttribute(selector, "href");
  await page.goto(new URL(href, page.url()).href);
  await page.waitForSelector(".o_control_panel", {timeout: 30000});
  await page.waitForTimeout(1500);
}

async function openMenu(page, xmlid) {
  await page.click(`a[data-menu-xmlid='${xmlid}']`);
  await page.waitForSelector(".o_control_panel", {timeout: 30000});
  await page.waitForTimeout(1500);
}

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    let page = await login(browser, "rep", "en_US");
    await openMenu(page, "crm.crm_menu_root");
    await page.screenshot({path: path.join(out, "crm-sales-rep.png")});

    await openMenu(page, "crm_core.crm_core_customer_pool_menu");
    await page.screenshot({path: path.join(out, "customer-pool.png")});
    await openMenu(page, "crm_core.crm_core_customer_my_menu");
    await page.click("td:has-text('上海华腾机械有限公司')");
    await page.waitForSelector(".o_form_view", {timeout: 30000});
    await page.click("a[role=tab]:has-text('CRM'), .nav-tabs a:has-text('CRM')");
    await page.waitForTimeout(800);
    await page.screenshot({path: path.join(out, "customer-360.png"), fullPage: true});

    page = await login(browser, "teamlead", "zh_CN");
    await openMenu(page, "crm.crm_menu_root");
    await openMenu(page, "crm_core.crm_core_followup_menu");
    await page.click("button.o_cp_switch_pivot");
    await page.waitForTimeout(1500);
    await page.screenshot({path: path.join(out, "followups-pivot-zh.png")});

    page = await login(browser, "supervisor", "zh_CN");
    await openMenu(page, "crm.crm_menu_root");
    await openMenu(page, "crm_callcenter.crm_callcenter_call_activity_menu");
    await page.screenshot({path: path.join(out, "crm-call-center-zh.png")});

    page = await login(browser, "rep", "en_US");
    await gotoMenu(page, "crm_core.crm_core_import_lead_menu");
    await page.click("td:has-text('2026 上海工博会 展会线索')");
    await page.waitForSelector(".o_form_view", {timeout: 30000});
    await page.waitForTimeout(1000);
    await page.screenshot({path: path.join(out, "lead-import-mapping.png"), fullPage: true});

    page = await login(browser, "director", "zh_CN");
    await gotoMenu(page, "crm_core.crm_core_customer_all_menu");
    await page.screenshot({path: path.join(out, "department-scope-zh.png")});
    await page.click("td:has-text('上海华腾机械有限公司')");
    await page.waitForSelector(".o_form_view", {timeout: 30000});
    await page.click(".o_form_statusbar button:has-text('我为什么能看到')");
    await page.waitForSelector(".modal-dialog", {timeout: 30000});
    await page.waitForTimeout(800);
    await page.screenshot({path: path.join(out, "why-can-i-see-this-zh.png")});

    page = await login(browser, "salesmanager", "zh_CN");
    await gotoMenu(page, "crm_core.crm_funnel_report_menu");
    await page.screenshot({path: path.join(out, "sales-funnel-zh.png")});
    await gotoMenu(page, "crm_core.crm_sales_target_report_menu");
    await page.screenshot({path: path.join(out, "targets-attainment.png")});
    await gotoMenu(page, "crm_core.sale_order_approval_menu");
    await page.screenshot({path: path.join(out, "quotes-to-approve-zh.png")});

    page = await login(browser, "servicemanager", "zh_CN");
    await gotoMenu(page, "crm_service.crm_service_ticket_menu");
    await page.screenshot({path: path.join(out, "service-tickets-zh.png")});
    await gotoMenu(page, "crm_service.crm_service_escalation_log_menu");
    await page.screenshot({path: path.join(out, "escalation-log-zh.png")});
    await gotoMenu(page, "crm_service.crm_service_satisfaction_report_menu");
    await page.screenshot({path: path.join(out, "satisfaction-zh.png")});

    // a portal user lands on /my, not in the web client
    page = await (await browser.newContext({viewport: {width: 1366, height: 800}})).newPage();
    await submitLogin(page, "wangfang");
    await page.goto(base + "/my/tickets");
    await page.waitForSelector(".o_portal_my_doc_table, table", {timeout: 30000});
    await page.click("table a[href^='/my/tickets/']");
    await page.waitForLoadState("networkidle");
    await page.screenshot({path: path.join(out, "portal-ticket-zh.png"), fullPage: true});

    page = await login(browser, "supervisor", "zh_CN");
    await gotoMenu(page, "crm_callcenter.crm_callcenter_wallboard_menu");
    await page.waitForTimeout(1500);
    await page.screenshot({path: path.join(out, "wallboard-zh.png")});
    await gotoMenu(page, "crm_callcenter.crm_callcenter_call_report_menu");
    await page.screenshot({path: path.join(out, "call-statistics-zh.png")});

    page = await login(browser, "marketing", "en_US");
    await gotoMenu(page, "crm_core.crm_campaign_roi_report_menu");
    await page.screenshot({path: path.join(out, "campaign-roi.png")});

    page = await login(browser, "salesmanager", "en_US");
    await gotoMenu(page, "crm_core.crm_recycle_bin_menu");
    await page.waitForSelector(".o_list_view", {timeout: 30000});
    await page.screenshot({path: path.join(out, "recycle-bin.png")});

    // a wrong password first, for the login log
    const stranger = await (await browser.newContext()).newPage();
    await stranger.goto(base + "/web/login");
    await stranger.fill("input[name=login]", "rep");
    await stranger.fill("input[name=password]", "guess-1234");
    await Promise.all([stranger.waitForNavigation(), stranger.click("button[type=submit]")]);
    page = await login(browser, "admin", "en_US");
    await page.addStyleTag({content: ".o_tooltip { display: none !important; }"});
    await gotoMenu(page, "crm_core.crm_core_audit_log_menu");
    await page.waitForSelector(".o_list_view .o_data_row", {timeout: 30000});
    await page.addStyleTag({content: ".o_tooltip { display: none !important; }"});
    await page.screenshot({path: path.join(out, "audit-log.png")});
    await gotoMenu(page, "crm_core.crm_core_login_log_menu");
    await page.waitForSelector(".o_list_view .o_data_row", {timeout: 30000});
    await page.addStyleTag({content: ".o_tooltip { display: none !important; }"});
    await page.screenshot({path: path.join(out, "login-log.png")});
    await gotoMenu(page, "crm_core.crm_core_data_scope_menu");
    await page.addStyleTag({content: ".o_tooltip { display: none !important; }"});
    await page.screenshot({path: path.join(out, "data-scopes.png")});
    await page.goto(base + "/web#model=res.users&view_type=list&action=base.action_res_users");
    await page.waitForSelector(".o_list_view", {timeout: 30000});
    await page.click("td:has-text('陈静 Chen Jing')");
    await page.waitForSelector(".o_form_view", {timeout: 60000});
    await page.waitForTimeout(1000);
    await page.screenshot({path: path.join(out, "user-roles.png"), fullPage: true});
  } finally {
    await browser.close();
  }
})().catch((err) => { console.error(err); process.exit(1); });
