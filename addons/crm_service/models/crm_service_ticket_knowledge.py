from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html_escape, plaintext2html


class CrmServiceTicket(models.Model):
    """Knowledge and defects on a ticket: the articles that fit it, the one that
    solved it, and the defect (瑕疵) it belongs to."""

    # pylint: disable=consider-merging-classes-inherited
    _inherit = "crm.service.ticket"

    suggested_article_ids = fields.Many2many(
        "crm.service.article", string="Suggested Articles",
        compute="_compute_suggested_article_ids",
        help="The published articles of this category (or a parent category) and "
             "those whose keywords occur in the subject or description, best first.")
    used_article_ids = fields.Many2many(
        "crm.service.article", "crm_service_ticket_article_use_rel", "ticket_id",
        "article_id", "Consulted Articles", readonly=True, copy=False)
    solution_article_id = fields.Many2one(
        "crm.service.article", "Solved by Article", readonly=True, copy=False,
        index=True, track_visibility="onchange")
    defect_id = fields.Many2one(
        "crm.service.defect", index=True, copy=False,
        track_visibility="onchange",
        help="The product defect (瑕疵) this ticket is one case of.")

    @api.depends("name", "description", "category_id", "company_id")
    def _compute_suggested_article_ids(self):
        articles = self.env["crm.service.article"]
        found = articles._suggest(
            [("%s\n%s" % (ticket.name or "", ticket.description or ""),
              ticket.category_id.id, ticket.company_id.id) for ticket in self],
            public_only=self.env.user.share)
        for ticket, article_ids in zip(self, found):
            ticket.suggested_article_ids = articles.browse(article_ids)

    def solve_with_article(self, article):
        """The agent says ``article`` solved this ticket: the ticket keeps it (and
        its text as the solution when none is written yet), the article counts
        one more solved ticket. ``article``: a record or its id."""
        self.ensure_one()
        article = self._crm_records("crm.service.article", article)
        if self.state == "cancelled":
            raise UserError(_("Ticket %s is cancelled: no article solved it.")
                            % self.number)
        if article.state != "published":
            raise UserError(_("Only a published article can be the solution of "
                              "ticket %s.") % self.number)
        previous = self.solution_article_id
        if previous == article:
            return True
        vals = {"solution_article_id": article.id}
        if not (self.solution or "").strip():
            vals["solution"] = article._solution_text()
        self.write(vals)
        article._register_use(self)
        article._add_solved(1)
        if previous:
            previous._add_solved(-1)
        self.message_post(body=_("Solved with knowledge article: %s") % article.title)
        return True

    @api.multi
    def action_capture_article(self):
        """Case capture: a draft article from this ticket's problem and solution,
        for a service manager to review and publish."""
        self.ensure_one()
        if not (self.solution or "").strip():
            raise UserError(_("Write the solution of ticket %s before turning it "
                              "into an article.") % self.number)
        body = "<h3>%s</h3>%s<h3>%s</h3>%s" % (
            html_escape(_("Problem")), plaintext2html(self.description or self.name),
            html_escape(_("Solution")), plaintext2html(self.solution))
        article = self.env["crm.service.article"].create({
            "title": self.name,
            "body": body,
            "category_ids": [(6, 0, self.category_id.ids)],
            "company_id": self.company_id.id,
        })
        article.message_post(body=_("Captured from ticket %s.") % self.number)
        return {
            "type": "ir.actions.act_window",
            "res_model": article._name,
            "res_id": article.id,
            "view_mode": "form",
            "target": "current",
        }
