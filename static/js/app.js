// Small behaviours of every page, kept out of inline attributes so that the
// Content-Security-Policy can forbid inline scripts.
(function () {
  "use strict";
  // Menus never act on a mere change of choice (WCAG 3.2.2): each has its own button.

  // "Copy my answer" after a refused save.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    source.select();
    const done = function () { button.textContent = button.dataset.copiedText || "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });

})();
