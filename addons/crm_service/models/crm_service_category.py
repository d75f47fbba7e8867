from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CrmServiceCategory(models.Model):
    """A ticket category (服务分类), in a tree: 产品故障 / 设备维修."""

    _name = "crm.service.category"
    _description = "Service Category"
    _parent_store = True
    _parent_order = "sequence, name"
    _order = "parent_left"
    _rec_name = "complete_name"

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one("crm.service.category", index=True,
                                ondelete="cascade")
    child_ids = fields.One2many("crm.service.category", "parent_id", "Subcategories")
    parent_left = fields.Integer(index=True)
    parent_right = fields.Integer(index=True)
    team_id = fields.Many2one(
        "crm.service.team", "Default Team",
        help="New tickets of this category go to this team unless a dispatch rule "
             "says otherwise.")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = "%s / %s" % (
                    category.parent_id.complete_name, category.name)
            else:
                category.complete_name = category.name

    @api.constrains("parent_id")
    def _check_parent(self):
        if not self._check_recursion():
            raise ValidationError(_("A category cannot be its own parent."))
