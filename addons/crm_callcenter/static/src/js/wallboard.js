odoo.define('crm_callcenter.wallboard', function (require) {
"use strict";

/**
 * The supervisors' wallboard (监控大屏): agents by status with their time in it,
 * calls waiting per queue with the longest wait, and today's answered, abandoned
 * and service level. It reads its figures once, then again whenever the server
 * says "refresh" on the bus channel crm.callcenter.wallboard (a call or an
 * agent changed); the clocks tick in the browser in between. No polling, no
 * page reload.
 */
var ControlPanelMixin = require('web.ControlPanelMixin');
var core = require('web.core');
var session = require('web.session');
var Widget = require('web.Widget');
var bus = require('bus.bus').bus;

var QWeb = core.qweb;

var CHANNEL = 'crm.callcenter.wallboard';
// several changes in a burst (a call answered, its agent on a call) make one read
var REFRESH_DELAY = 300;

function formatDuration(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (m < 10 ? '0' : '') + m;
    var ss = (s < 10 ? '0' : '') + s;
    return h ? h + ':' + mm + ':' + ss : mm + ':' + ss;
}

var Wallboard = Widget.extend(ControlPanelMixin, {
    template: 'crm_callcenter.Wallboard',

    init: function (parent, action) {
        this._super.apply(this, arguments);
        this.action = action;
        this.action_manager = parent;
        this.data = null;
        this.loadedAt = null;
        this.refreshCount = 0;
        this._refreshTimer = null;
        this._tickTimer = null;
    },
    willStart: function () {
        return $.when(this._super.apply(this, arguments), this._fetch());
    },
    start: function () {
        var self = this;
        return this._super.apply(this, arguments).then(function () {
            self._render();
            self._updateControlPanel();
            bus.on('notification', self, self._onNotification);
            bus.start_polling();
            self._tickTimer = setInterval(self._tick.bind(self), 1000);
        });
    },
    do_show: function () {
        this._super.apply(this, arguments);
        this._updateControlPanel();
    },
    destroy: function () {
        bus.off('notification', this, this._onNotification);
        clearInterval(this._tickTimer);
        clearTimeout(this._refreshTimer);
        this._super.apply(this, arguments);
    },

    //--------------------------------------------------------------------------
    // Private
    //--------------------------------------------------------------------------

    _fetch: function () {
        var self = this;
        return this._rpc({
            model: 'crm.callcenter.queue',
            method: 'get_wallboard_data',
            args: [],
            // the user's language and time zone: status and queue names in Chinese
            kwargs: {context: session.user_context},
        }, {shadow: true}).then(function (data) {
            self.data = data;
            self.loadedAt = Date.now();
        });
    },
    _render: function () {
        this.$('.o_crm_wallboard_body').html(QWeb.render('crm_callcenter.WallboardBody', {
            data: this.data,
            duration: formatDuration,
        }));
        this.$el.attr('data-refresh-count', this.refreshCount);
    },
    _tick: function () {
        var elapsed = (Date.now() - this.loadedAt) / 1000;
        this.$('[data-seconds]').each(function () {
            var $el = $(this);
            $el.text(formatDuration(parseFloat($el.data('seconds')) + elapsed));
        });
    },
    _refresh: function () {
        var self = this;
        this._refreshTimer = null;
        return this._fetch().then(function () {
            self.refreshCount += 1;
            self._render();
        });
    },
    _updateControlPanel: function () {
        this.update_control_panel({
            breadcrumbs: this.action_manager.get_breadcrumbs(),
            cp_content: {},
        }, {clear: true});
    },

    //--------------------------------------------------------------------------
    // Handlers
    //--------------------------------------------------------------------------

    _onNotification: function (notifications) {
        var concerned = _.some(notifications, function (notification) {
            var channel = notification[0];
            return _.isArray(channel) && channel[1] === CHANNEL;
        });
        if (concerned && !this._refreshTimer) {
            this._refreshTimer = setTimeout(this._refresh.bind(this), REFRESH_DELAY);
        }
    },
});

core.action_registry.add('crm_callcenter_wallboard', Wallboard);

return {
    Wallboard: Wallboard,
    formatDuration: formatDuration,
};

});
