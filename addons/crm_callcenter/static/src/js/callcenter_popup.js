odoo.define('crm_callcenter.popup', function (require) {
"use strict";

/**
 * The agent's side of the call center in the web client:
 *  - the caller pop-up (来电弹屏): a "crm_callcenter.ring" notification on the
 *    user's partner channel of the bus (sent when the agent's phone rings) shows
 *    the caller, the matched customer or "unknown number", their level, owner,
 *    open opportunities and tickets, amount due and last follow-up, with buttons
 *    to open the customer's 360 view or the call, or to create a customer, a lead
 *    or a ticket from the call;
 *  - the agent status in the systray, changed by the phone system (a
 *    "crm_callcenter.status" notification) or by the agent (available, break,
 *    offline);
 *  - the recording player of the call form (field widget crm_callcenter_audio).
 */
var AbstractField = require('web.AbstractField');
var bus = require('bus.bus').bus;
var core = require('web.core');
var fieldRegistry = require('web.field_registry');
var isSafeUrl = require('crm_core.safe_url').isSafeUrl;
var session = require('web.session');
var SystrayMenu = require('web.SystrayMenu');
var Widget = require('web.Widget');

var QWeb = core.qweb;
var _t = core._t;

var RING = 'crm_callcenter.ring';
var STATUS = 'crm_callcenter.status';

/**
 * One pop-up: the payload of a ring notification, rendered; the buttons open
 * records or run the call's actions.
 */
var CallerPopup = Widget.extend({
    template: 'crm_callcenter.CallerPopup',
    events: {
        'click .o_crm_callcenter_close': '_onClose',
        'click .o_crm_callcenter_open_customer': '_onOpenCustomer',
        'click .o_crm_callcenter_open_call': '_onOpenCall',
        'click .o_crm_callcenter_open_record': '_onOpenRecord',
        'click .o_crm_callcenter_action': '_onCallAction',
    },
    /**
     * @param {Widget} parent
     * @param {Object} call the notification's payload
     */
    init: function (parent, call) {
        this._super.apply(this, arguments);
        this.call = call;
    },
    _openForm: function (model, id) {
        this.do_action({
            type: 'ir.actions.act_window',
            res_model: model,
            res_id: id,
            views: [[false, 'form']],
            target: 'current',
        });
    },
    _onClose: function (ev) {
        ev.preventDefault();
        this.destroy();
    },
    _onOpenCustomer: function (ev) {
        ev.preventDefault();
        this._openForm('res.partner', this.call.customer.id);
    },
    _onOpenCall: function (ev) {
        ev.preventDefault();
        this._openForm('crm.callcenter.call', this.call.call_id);
    },
    _onOpenRecord: function (ev) {
        ev.preventDefault();
        var $target = $(ev.currentTarget);
        this._openForm($target.data('model'), $target.data('id'));
    },
    _onCallAction: function (ev) {
        ev.preventDefault();
        var self = this;
        var method = $(ev.currentTarget).data('method');
        this._rpc({
            model: 'crm.callcenter.call',
            method: method,
            args: [[this.call.call_id]],
            context: session.user_context,
        }).then(function (action) {
            if (action && action.type) {
                self.do_action(action);
            } else {
                self.do_notify(_t("Done"), _t("The call was updated."));
            }
        });
    },
});

/**
 * The systray item of agents: their status, a menu to change it, and the
 * listener of the bus that shows the pop-ups.
 */
var StatusMenu = Widget.extend({
    template: 'crm_callcenter.StatusMenu',
    sequence: 60,
    events: {
        'click .o_crm_callcenter_status_choice': '_onChooseStatus',
    },
    willStart: function () {
        var self = this;
        var isAgent = session.user_has_group('crm_core.group_callcenter_agent');
        return $.when(this._super.apply(this, arguments), isAgent).then(function (unused, agent) {
            self.isAgent = agent;
            if (!agent) {
                return;
            }
            return self._rpc({
                model: 'crm.callcenter.agent',
                method: 'get_my_status',
                args: [],
                context: session.user_context,
            }).then(function (status) {
                self.status = status;
            });
        });
    },
    start: function () {
        this.popups = [];
        if (!this.isAgent) {
            this.$el.addClass('o_hidden');
            return this._super.apply(this, arguments);
        }
        this.$popups = $('<div class="o_crm_callcenter_popups"/>').appendTo('body');
        bus.on('notification', this, this._onNotification);
        bus.start_polling();
        this._renderStatus();
        return this._super.apply(this, arguments);
    },
    destroy: function () {
        if (this.isAgent) {
            bus.off('notification', this, this._onNotification);
        }
        if (this.$popups) {
            this.$popups.remove();
        }
        this._super.apply(this, arguments);
    },
    _renderStatus: function () {
        var status = this.status;
        this.$('.o_crm_callcenter_status_label').text(status ? status.label : _t("Not an agent"));
        this.$el.attr('data-status', status ? status.status : '');
        this.$('.o_crm_callcenter_status_choices').html(QWeb.render(
            'crm_callcenter.StatusChoices', {status: status}));
    },
    _showPopup: function (call) {
        var popup = new CallerPopup(this, call);
        popup.appendTo(this.$popups);
        this.popups.push(popup);
        // keep the last three
        while (this.popups.length > 3) {
            this.popups.shift().destroy();
        }
    },
    _onNotification: function (notifications) {
        var self = this;
        _.each(notifications, function (notification) {
            var channel = notification[0];
            var message = notification[1];
            if (!_.isArray(channel) || channel[1] !== 'res.partner' ||
                    channel[2] !== session.partner_id || !message) {
                return;
            }
            if (message.type === RING) {
                self._showPopup(message);
            } else if (message.type === STATUS && self.status) {
                self.status = _.extend({}, self.status, {
                    status: message.status, label: message.label, since: message.since,
                });
                self._renderStatus();
            }
        });
    },
    _onChooseStatus: function (ev) {
        ev.preventDefault();
        var self = this;
        this._rpc({
            model: 'crm.callcenter.agent',
            method: 'set_my_status',
            args: [$(ev.currentTarget).data('status')],
            context: session.user_context,
        }).then(function (status) {
            self.status = status;
            self._renderStatus();
        });
    },
});

SystrayMenu.Items.push(StatusMenu);

/**
 * The recording of a call, played in the form (HTML5 audio); a URL that is no
 * web address (javascript:, data:) is shown as text, never played nor linked.
 */
var AudioField = AbstractField.extend({
    supportedFieldTypes: ['char'],
    _render: function () {
        this.$el.empty();
        if (!this.value) {
            return;
        }
        if (!isSafeUrl(this.value)) {
            $('<span class="o_crm_callcenter_bad_url"/>').text(this.value).appendTo(this.$el);
            return;
        }
        $('<audio controls="controls" preload="none" class="o_crm_callcenter_audio"/>')
            .attr('src', this.value).appendTo(this.$el);
        $('<a target="_blank" rel="noopener noreferrer" class="o_crm_callcenter_download"/>')
            .attr('href', this.value).text(_t("Download")).appendTo(this.$el);
    },
});

fieldRegistry.add('crm_callcenter_audio', AudioField);

return {
    CallerPopup: CallerPopup,
    StatusMenu: StatusMenu,
    AudioField: AudioField,
};
});
