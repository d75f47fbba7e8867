from odoo import _, api, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    """Pool-aware qualification: converting a lead into an opportunity for an
    existing customer respects who owns the customer.

    - A customer waiting in a pool is claimed through the pool's own claim (its
      caps and cooldown apply): by the converting rep for themselves, or by a team
      leader or manager for the opportunity's salesperson. A refused claim refuses
      the conversion with the pool's message, before anything is written.
    - A customer owned by someone else: a rep is refused, with the owner's name; a
      team leader or manager converts, and the opportunity goes to the customer's
      owner (one owner for the customer and its opportunities).
    - A customer the conversion creates is owned by the opportunity's salesperson:
      the converting rep unless they chose another.
    """

    _inherit = "crm.lead"  # pylint: disable=consider-merging-classes-inherited

    @api.multi
    def convert_opportunity(self, partner_id, user_ids=False, team_id=False):
        if self.env.context.get("crm_conversion_planned"):
            return super(CrmLead, self).convert_opportunity(
                partner_id, user_ids=user_ids, team_id=team_id)
        leads = self.filtered(lambda lead: lead.active and lead.probability < 100)
        customer = self.env["res.partner"].browse(partner_id or [])
        owners = leads._crm_prepare_conversion(
            {lead.id: customer for lead in leads},
            leads._crm_planned_salespeople(user_ids, leads))
        res = super(CrmLead, self.with_context(crm_conversion_planned=True)) \
            .convert_opportunity(partner_id, user_ids=user_ids, team_id=team_id)
        leads._crm_assign_converted(owners)
        return res

    @api.multi
    def _create_lead_partner_data(self, name, is_company, parent_id=False):
        """A customer created by a conversion belongs to the opportunity's
        salesperson."""
        data = super(CrmLead, self)._create_lead_partner_data(
            name, is_company, parent_id=parent_id)
        owner = self.env.context.get("crm_conversion_owners", {}).get(self.id)
        if owner:
            data["user_id"] = owner
        return data

    # --- planning ---------------------------------------------------------------------

    @api.multi
    def _crm_planned_salespeople(self, user_ids, allocated):
        """{lead id: res.users} the salesperson each lead is converted for: the
        salespeople of the conversion in turn (as Odoo allocates them) for the
        ``allocated`` leads, else the lead's own. Where that leaves none, a rep
        converts for themselves; a team leader or manager leaves it unassigned."""
        Users = self.env["res.users"]
        user = self.env.user
        rep = user.has_group("sales_team.group_sale_salesman") and \
            not user.has_group("crm_core.group_sale_team_leader")
        fallback = user if rep else Users
        planned, turn = {}, 0
        for lead in self:
            if user_ids and lead in allocated:
                planned[lead.id] = Users.browse(user_ids[turn] or []) or fallback
                turn = (turn + 1) % len(user_ids)
            else:
                planned[lead.id] = lead.user_id or fallback
        return planned

    @api.multi
    def _crm_prepare_conversion(self, customers, salespeople, claim=True):
        """Check that the converting user may convert these leads for
        ``customers`` ({lead id: res.partner, empty for none or a new one}) and
        claim the pool customers among them (unless ``claim`` is False). Every
        check runs before the first claim; a refused claim raises before it
        writes. Returns {lead id: user id} the salesperson each opportunity goes
        to (False: unassigned)."""
        user = self.env.user
        leader = user.has_group("crm_core.group_sale_team_leader")
        owners, claims = {}, {}
        for lead in self:
            salesperson = salespeople.get(lead.id) or self.env["res.users"]
            customer = customers.get(lead.id, self.env["res.partner"])
            root = customer.sudo().commercial_partner_id  # sudo: the owner decides
            owners[lead.id] = salesperson.id or False
            if not root or not root.customer or not root.pool_id:
                continue
            if root.pool_state == "pool":
                claimant = (salesperson or user) if leader else user
                claims.setdefault((root.pool_id, claimant), root.browse())
                claims[root.pool_id, claimant] |= root
                owners[lead.id] = claimant.id
            elif root.user_id and root.user_id != salesperson:
                if not leader and root.user_id != user:
                    raise UserError(_(
                        "%(customer)s belongs to %(owner)s: ask them, or a team "
                        "leader or sales manager, to convert the lead %(lead)s.") % {
                            "customer": root.name, "owner": root.user_id.name,
                            "lead": lead.name})
                owners[lead.id] = root.user_id.id
        if not claim:
            return owners
        for (pool, claimant), partners in sorted(claims.items(),
                                                 key=lambda i: (i[0][0].id,
                                                                i[0][1].id)):
            # the pool's own claim, with its caps, cooldown and log
            pool.sudo(user)._claim(partners, claimant)
        return owners

    @api.multi
    def _crm_assign_converted(self, owners):
        """Give each converted opportunity to the salesperson planned for it (one
        write per salesperson)."""
        by_owner = {}
        for lead in self:
            owner = owners.get(lead.id)
            if owner and lead.user_id.id != owner:
                by_owner.setdefault(owner, self.browse())
                by_owner[owner] |= lead
        for owner, leads in by_owner.items():
            leads.write({"user_id": owner})
