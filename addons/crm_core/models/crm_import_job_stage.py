from odoo import models


class CrmImportJob(models.Model):
    """Leads imported in bulk enter the stage history like any other lead."""

    _inherit = "crm.import.job"

    def _insert_leads(self, rows, sources):
        leads = super(CrmImportJob, self)._insert_leads(rows, sources)
        leads._record_stage_entries()
        return leads
