// The caller pop-up (来电弹屏) as an agent sees it, for tests/test_browser_popup.py:
//   node tests/browser/popup_flow.js '<job json>'
// Besides the job keys of odoo_web.js: `event` (the ring event's JSON body),
// `token` (the phone system's token), `customer` (the name the pop-up must
// show) and `popup_screenshot` (where to save the page with the pop-up). Once
// the agent's web client is up, the flow posts the ring to the event API over
// HTTP as the phone system does, waits for the pop-up, and opens the customer's
// 360 view from it. Prints what the agent saw and how long the pop-up
// took; the Python test checks the wording and the database.
"use strict";
const web = require("./odoo_web");

web.main(async (page, job) => {
  // the web client is up and the agent's systray item listens to the bus
  const status = page.locator(".o_crm_callcenter_status_menu");
  await status.waitFor({state: "attached"});
  const statusBefore = (await status.innerText()).trim();

  const posted = Date.now();
  const response = await fetch(`${job.base}/crm_callcenter/event`, {
    method: "POST",
    headers: {"Authorization": `Bearer ${job.token}`, "Content-Type": "application/json"},
    body: JSON.stringify(job.event),
  });
  const answer = await response.json();
  if (response.status !== 200) {
    throw new Error(`the event API answered ${response.status}: ${JSON.stringify(answer)}`);
  }
  const popup = page.locator(".o_crm_callcenter_popup", {hasText: job.customer});
  await popup.waitFor({state: "visible"});
  const elapsedMs = Date.now() - posted;
  if (job.popup_screenshot) {
    await page.screenshot({path: job.popup_screenshot});
  }
  const seen = {
    answer,
    elapsed_ms: elapsedMs,
    status_before: statusBefore,
    popup: (await popup.innerText()).trim(),
    number: (await popup.locator(".o_crm_callcenter_number").innerText()).trim(),
    tickets: await popup.locator(".o_crm_callcenter_tickets li").allInnerTexts(),
  };
  // the status the phone system set shows in the systray
  await page.waitForFunction(() => {
    const item = document.querySelector(".o_crm_callcenter_status_menu");
    return item && item.getAttribute("data-status") === "ringing";
  });
  seen.status_after = (await status.innerText()).trim();
  // one click to the customer's 360 view
  await popup.locator("button.o_crm_callcenter_open_customer").click();
  await page.waitForSelector(
    `.o_control_panel .breadcrumb .active:has-text("${job.customer}")`);
  seen.opened = (await page.locator(".o_form_view .o_field_widget[name=name]")
    .first().innerText()).trim();
  return seen;
});
