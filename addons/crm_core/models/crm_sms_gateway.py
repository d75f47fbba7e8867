import json
import logging
import secrets
import uuid

import requests

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..lib import sms_sign

_logger = logging.getLogger(__name__)

KINDS = [
    ("local", "Local (records what would be sent)"),
    ("http", "HTTP Gateway (Aliyun-style signed API)"),
]


def _new_token():
    return secrets.token_urlsafe(24)


class CrmSmsGateway(models.Model):
    """An SMS gateway account (通信设置): how SMS leave and where the gateway
    reports back. Two adapters: "http" signs Aliyun-style SendSms requests with
    the account's access key (most Chinese gateways take the same shape), "local"
    sends nothing and records on each message the request it would have made
    (for tests, demos and training). Delivery reports and replies come back to
    /crm_core/sms/report/<token> and /crm_core/sms/reply/<token>."""

    _name = "crm.sms.gateway"
    _description = "SMS Gateway"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10,
                              help="The first active gateway is the default.")
    active = fields.Boolean(default=True)
    kind = fields.Selection(KINDS, required=True, default="local")
    company_id = fields.Many2one("res.company",
                                 default=lambda self: self.env.user.company_id)
    url = fields.Char("Gateway URL", default="https://dysmsapi.aliyuncs.com/")
    access_key_id = fields.Char("Access Key ID")
    access_key_secret = fields.Char(groups="crm_core.group_marketing_manager")
    signature_method = fields.Selection(
        [("HMAC-SHA1", "HMAC-SHA1"), ("HMAC-SHA256", "HMAC-SHA256")],
        required=True, default="HMAC-SHA1")
    sign_name = fields.Char(
        help="The approved signature (签名) shown in 【】 before the text.")
    template_code = fields.Char(
        "Default Template Code",
        help="The approved template (模板) used when a message names none.")
    region = fields.Char(default="cn-hangzhou")
    api_version = fields.Char("API Version", default="2017-05-25")
    timeout = fields.Integer("Timeout (s)", default=10)
    batch_size = fields.Integer(
        default=100, help="How many numbers with the same text one request carries "
                          "(at most 1000).")
    callback_token = fields.Char(
        required=True, copy=False, default=lambda self: _new_token(),
        groups="crm_core.group_marketing_manager",
        help="The secret part of the report and reply addresses.")
    report_url = fields.Char("Delivery Report URL", compute="_compute_urls")
    reply_url = fields.Char("Inbound Message URL", compute="_compute_urls")
    message_count = fields.Integer("Messages", compute="_compute_message_count")

    _sql_constraints = [
        ("callback_token_uniq", "unique(callback_token)",
         "Every SMS gateway has its own callback token."),
    ]

    @api.multi
    def _compute_urls(self):
        params = self.env["ir.config_parameter"].sudo()  # sudo: the base URL
        base = (params.get_param("web.base.url") or "").rstrip("/")
        manager = self.env.user.has_group("crm_core.group_marketing_manager")
        for gateway in self:
            token = gateway.sudo().callback_token  # sudo: shown to managers only
            gateway.report_url = manager and "%s/crm_core/sms/report/%s" % (
                base, token)
            gateway.reply_url = manager and "%s/crm_core/sms/reply/%s" % (base, token)

    @api.multi
    def _compute_message_count(self):
        groups = self.env["crm.sms.message"].read_group(
            [("gateway_id", "in", self.ids)], ["gateway_id"], ["gateway_id"])
        counts = {g["gateway_id"][0]: g["gateway_id_count"] for g in groups}
        for gateway in self:
            gateway.message_count = counts.get(gateway.id, 0)

    @api.constrains("kind", "url", "access_key_id", "sign_name", "batch_size",
                    "timeout")
    def _check_settings(self):
        for gateway in self:
            if not 1 <= gateway.batch_size <= sms_sign.MAX_NUMBERS:
                raise ValidationError(_("Batch Size: between 1 and %d numbers.")
                                      % sms_sign.MAX_NUMBERS)
            if gateway.timeout <= 0:
                raise ValidationError(_("Timeout (s): must be positive."))
            if gateway.kind != "http":
                continue
            if not (gateway.url or "").startswith(("http://", "https://")):
                raise ValidationError(_("Gateway URL: the HTTP gateway %s needs an "
                                        "http(s) address.") % gateway.name)
            for name in ("access_key_id", "sign_name"):
                if not gateway[name]:
                    raise ValidationError(_("%(field)s: the HTTP gateway %(name)s "
                                            "needs it.") % {
                        "field": gateway._fields[name].get_description(
                            self.env)["string"],
                        "name": gateway.name})

    @api.model
    def _default_gateway(self):
        return self.search([], limit=1)

    @api.multi
    def action_regenerate_token(self):
        for gateway in self:
            gateway.callback_token = _new_token()
        return True

    @api.multi
    def action_view_messages(self):
        self.ensure_one()
        action = self.env.ref("crm_core.crm_sms_message_action").read()[0]
        action["domain"] = [("gateway_id", "=", self.id)]
        return action

    # --- adapters ---

    @api.multi
    def _send_batch(self, numbers, template_code, template_params, body):
        """Send one text to ``numbers`` (E.164). Returns (gateway message id or
        None, error or None, the request as sent, for the record). Never
        raises for a gateway or network problem: it is the message's error."""
        self.ensure_one()
        gateway = self.sudo()  # sudo: the secret signs the request, never shown
        template_code = template_code or gateway.template_code
        if gateway.kind == "local":
            return gateway._send_local(numbers, template_code, template_params, body)
        return gateway._send_http(numbers, template_code, template_params)

    def _send_local(self, numbers, template_code, template_params, body):
        record = {"numbers": numbers, "sign_name": self.sign_name,
                  "template_code": template_code, "params": template_params,
                  "text": body}
        _logger.info("Local SMS gateway %s: would send to %d numbers", self.id,
                     len(numbers))
        return ("LOCAL-%s" % uuid.uuid4().hex, None,
                json.dumps(record, ensure_ascii=False, sort_keys=True))

    def _send_http(self, numbers, template_code, template_params):
        if not template_code:
            return None, _("no template code (set one on the gateway)"), None
        params = sms_sign.send_request(
            self.access_key_id, self.access_key_secret or "", numbers,
            self.sign_name, template_code, template_params,
            method=self.signature_method, region=self.region or "cn-hangzhou",
            version=self.api_version or "2017-05-25")
        shown = dict(params)
        shown.pop("Signature", None)
        request_text = json.dumps(shown, ensure_ascii=False, sort_keys=True)
        try:
            response = requests.post(self.url, data=params, timeout=self.timeout)
        except requests.RequestException as error:
            _logger.warning("SMS gateway %s unreachable: %s", self.id, error)
            return None, _("gateway unreachable: %s") % error, request_text
        accepted, message_id, error = sms_sign.parse_send_response(
            response.status_code, response.content)
        if not accepted:
            _logger.info("SMS gateway %s refused a request: %s", self.id, error)
        return message_id, error, request_text
