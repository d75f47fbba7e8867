// The open-pool claim (公海 领取) as a rep does it in the web client, for
// tests/test_browser_claim.py:
//   node tests/browser/claim_flow.js '<job json>'
// Besides the job keys of odoo_web.js: `customer` (its name) and `expect`:
//   "claimed"  the claim goes through and the customer shows under My Customers
//   "denied"   the claim is refused with a dialog, and the customer stays in the pool
// Prints what the user saw; the Python test checks the wording and the database.
"use strict";
const web = require("./odoo_web");

web.main(async (page, job) => {
  // The menu's handler opens its app too; clicking the app first would load the
  // app's first action, which can land after (and replace) the pool's.
  await web.openMenu(page, "crm_core.crm_core_customer_pool_menu", "Customer Pool");
  await web.searchList(page, job.customer);
  await web.openRow(page, job.customer);

  // Odoo 11 renders header buttons without their method name: find it by its
  // label (the test users work in English).
  const claim = page.locator(".o_form_statusbar .o_statusbar_buttons > button")
    .filter({hasText: /^\s*Claim\s*$/});
  await claim.waitFor({state: "visible"});
  const before = await web.statusbar(page);
  await claim.click();
  const dialog = page.locator(".modal:has(.o_dialog_warning, .o_dialog_error)").first();
  const outcome = await web.firstOf({
    claimed: claim.waitFor({state: "hidden"}),
    denied: dialog.waitFor({state: "visible"}),
  });
  const seen = {outcome, status_before: before};
  if (outcome === "denied") {
    seen.dialog_title = (await dialog.locator(".modal-title").innerText()).trim();
    seen.dialog = (await dialog.locator(".modal-body").innerText()).trim();
    seen.dialog_kind = await dialog.locator(".o_dialog_warning").count() ?
      "warning" : "error";
  }
  if (outcome !== job.expect) {
    throw new Error(`expected the claim to be ${job.expect}, but it was ${outcome}` +
                    (seen.dialog ? `: ${seen.dialog}` : ""));
  }

  if (outcome === "denied") {
    await dialog.locator(".modal-footer button").first().click();
    await dialog.waitFor({state: "hidden"});
    await claim.waitFor({state: "visible"});
    seen.status_after = await web.statusbar(page);
    return seen;
  }

  seen.status_after = await web.statusbar(page);
  await web.openMenu(page, "crm_core.crm_core_customer_my_menu", "My Customers");
  const mine = page.locator(".o_list_view .o_data_row", {hasText: job.customer});
  await mine.first().waitFor().catch(() => {
    throw new Error(`${job.customer} is not listed under My Customers after the claim`);
  });
  seen.my_customers = await web.rowTexts(page);
  return seen;
});
