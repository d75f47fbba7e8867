odoo.define('crm_core.safe_url', function (require) {
"use strict";

/**
 * Links to URLs that users typed (a customer's website, a call's recording) open
 * only for web, mail and phone addresses: a "javascript:" or "data:" URL is shown
 * as text and never becomes a link, in our widgets and in Odoo's url widget
 * (issue 13, XSS).
 */
var fieldRegistry = require('web.field_registry');

var SAFE_SCHEMES = ['http', 'https', 'mailto', 'tel', 'ftp', 'ftps'];

/**
 * @param {string} value
 * @returns {boolean} true for a relative URL and for one of SAFE_SCHEMES
 */
function isSafeUrl(value) {
    if (!value) {
        return false;
    }
    // browsers drop control characters and spaces inside a scheme ("java\tscript:")
    var compact = String(value).replace(/[\u0000-\u0020\u007f]/g, '');
    var scheme = /^([a-z][a-z0-9+.\-]*):/i.exec(compact);
    return !scheme || SAFE_SCHEMES.indexOf(scheme[1].toLowerCase()) !== -1;
}

var UrlWidget = fieldRegistry.get('url');
UrlWidget.include({
    _renderReadonly: function () {
        this._super.apply(this, arguments);
        if (!isSafeUrl(this.value)) {
            this.$el.removeAttr('href').removeAttr('target');
        }
    },
});

return {
    isSafeUrl: isSafeUrl,
};
});
