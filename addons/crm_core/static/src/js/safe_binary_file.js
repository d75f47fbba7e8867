odoo.define('crm_core.safe_binary_file', function (require) {
"use strict";

/**
 * The name of an uploaded file (an import's, a CDR file's) is shown as text next
 * to its download icon: Odoo 11's binary widget appends it to the page as HTML, so
 * that a file named `<img src=x onerror=...>.csv` ran its script in the form of
 * whoever opened the record (issue 13, XSS).
 */
var fieldRegistry = require('web.field_registry');

var FieldBinaryFile = fieldRegistry.get('binary');
FieldBinaryFile.include({
    _renderReadonly: function () {
        var filename = this.filename_value;
        this.filename_value = false;
        try {
            this._super.apply(this, arguments);
        } finally {
            this.filename_value = filename;
        }
        if (this.value && filename) {
            this.$el.append(document.createTextNode(" " + filename));
        }
    },
});
});
