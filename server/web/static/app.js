// URC Field Sync office pages: small progressive enhancements.
(function () {
  'use strict';

  // Forms with data-confirm ask before they submit.
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    var msg = form && form.getAttribute && form.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
    }
  });

  // Filter forms apply as soon as a choice changes.
  document.querySelectorAll('form.filters select').forEach(function (sel) {
    if (sel.form && sel.form.method === 'get') {
      sel.addEventListener('change', function () { sel.form.submit(); });
    }
  });
})();
