// A service agent works a ticket dispatched to them in the web client, for
// tests/test_browser_ticket.py:
//   node tests/browser/ticket_flow.js '<job json>'
// Besides the job keys of odoo_web.js: `ticket` (its subject) and `solution`.
// From My Queue the agent opens the ticket, accepts the dispatch, tries to resolve
// it without a solution (refused with a message), writes the solution, saves and
// resolves it. Prints the status bar after each step and the refusal's wording.
"use strict";
const web = require("./odoo_web");

function headerButton(page, label) {
  return page.locator(".o_form_statusbar .o_statusbar_buttons > button")
    .filter({hasText: new RegExp(`^\\s*${label}\\s*$`)});
}

web.main(async (page, job) => {
  await web.openMenu(page, "crm_service.crm_service_ticket_queue_menu", "My Queue");
  await web.searchList(page, job.ticket);
  await web.openRow(page, job.ticket);
  const seen = {dispatched: await web.statusbar(page)};

  const accept = headerButton(page, "Accept the Dispatch");
  await accept.click();
  await accept.waitFor({state: "hidden"});
  seen.accepted = await web.statusbar(page);

  const resolve = headerButton(page, "Resolve");
  await resolve.click();
  const dialog = page.locator(".modal:has(.o_dialog_warning, .o_dialog_error)").first();
  await dialog.waitFor({state: "visible"});
  seen.refusal = (await dialog.locator(".modal-body").innerText()).trim();
  seen.refusal_kind = await dialog.locator(".o_dialog_warning").count() ?
    "warning" : "error";
  await dialog.locator(".modal-footer button").first().click();
  await dialog.waitFor({state: "hidden"});

  await page.click(".o_form_button_edit");
  await page.click(".o_notebook .nav-tabs a:has-text('Solution')");
  await page.fill(".o_form_view textarea[name=solution]", job.solution);
  await page.click(".o_form_button_save");
  await page.waitForSelector(".o_form_view.o_form_readonly");
  await resolve.click();
  await resolve.waitFor({state: "hidden"});
  seen.resolved = await web.statusbar(page);
  return seen;
});
