// Warns before the idle timeout signs the person out (issue #11). Every request
// to the server (autosave included) restarts the server's idle timer, so this
// timer restarts on every htmx request too; "Stay signed in" makes one request.
// Nothing typed on the page is touched: after an expiry the autosave keeps the
// text and retries once the person has logged in again in another tab.
(function () {
  "use strict";
  const body = document.body;
  const idle = parseInt(body.dataset.sessionIdle || "", 10);
  const keepaliveUrl = body.dataset.keepaliveUrl;
  const box = document.getElementById("session-warning");
  if (!idle || !keepaliveUrl || !box) return;
  const warnBefore = Math.min(120, Math.floor(idle / 5));
  let warnTimer = null;
  let endTimer = null;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function show(which) {
    box.hidden = false;
    box.querySelector("[data-when=soon]").hidden = which !== "soon";
    box.querySelector("[data-when=ended]").hidden = which !== "ended";
    box.querySelector("[data-keepalive]").hidden = which === "ended";
  }

  function restart() {
    box.hidden = true;
    box.querySelector("[data-keepalive]").hidden = false;
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(function () { show("soon"); }, (idle - warnBefore) * 1000);
    endTimer = setTimeout(function () { show("ended"); }, idle * 1000);
  }

  box.querySelector("[data-keepalive]").addEventListener("click", function () {
    fetch(keepaliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
    }).then(function (response) {
      if (response.ok) restart();
      else show("ended");
    }).catch(function () { show("soon"); });
  });
  body.addEventListener("htmx:afterRequest", function (event) {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 401) show("ended");
    else if (status) restart();
  });
  restart();
})();
