// Small behaviours of every page, kept out of inline attributes so that the
// Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
})();
