"""The supervisors' browsers listen to the wallboard's bus channel: the channel is
added on the server for supervisors only (a browser cannot subscribe to it
itself), and its messages only say "refresh"; each wallboard then reads its
figures under its user's rights."""
from odoo.http import request
from odoo.addons.bus.controllers.main import BusController

from ..models.crm_callcenter_queue import WALLBOARD_CHANNEL


class CallcenterWallboardBusController(BusController):

    def _poll(self, dbname, channels, last, options):
        if request.session.uid and request.env.user.has_group(
                "crm_core.group_callcenter_supervisor"):
            channels = list(channels)
            channels.append((request.db, WALLBOARD_CHANNEL))
        return super(CallcenterWallboardBusController, self)._poll(
            dbname, channels, last, options)
