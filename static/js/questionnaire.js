// Autosave behaviour around htmx: status messages, retries, conflicts, and a
// warning before leaving with unsaved answers. The page works without it.
(function () {
  "use strict";
  const form = document.getElementById("questionnaire-form");
  const texts = {
    saving: (form && form.dataset.savingText) || "Saving…",
    retry: (form && form.dataset.retryText) || "Not saved, retrying…",
  };
  const pending = new Set(); // question ids with changes not yet confirmed saved
  const retryDelay = new Map();

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function cardOf(elt) {
    return elt && elt.closest ? elt.closest(".card-question") : null;
  }

  function statusOf(card) {
    return document.getElementById("status-" + card.dataset.question);
  }

  function scheduleRetry(card, message) {
    const id = card.dataset.question;
    const delay = Math.min((retryDelay.get(id) || 2000) * 2, 30000);
    retryDelay.set(id, delay);
    const status = statusOf(card);
    if (message !== null) {
      status.innerHTML = "";
      const span = document.createElement("span");
      span.className = "error";
      span.dataset.state = "retrying";
      span.setAttribute("role", "alert");
      span.textContent = message || texts.retry;
      status.appendChild(span);
    }
    window.setTimeout(function () { htmx.trigger(card, "retry"); }, delay);
  }

  // Always send the current CSRF token: logging in again in another tab rotates it.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = csrfToken();
    if (token) event.detail.headers["X-CSRFToken"] = token;
  });

  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const card = cardOf(event.detail.elt);
    if (!card || event.detail.elt !== card) return;
    pending.add(card.dataset.question);
    const status = statusOf(card);
    if (!status.querySelector("[data-state=conflict]")) {
      status.innerHTML = '<span class="text-body-secondary" data-state="saving">' + texts.saving + "</span>";
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    const card = cardOf(event.detail.elt);
    if (!card || event.detail.elt !== card) return;
    const code = event.detail.xhr ? event.detail.xhr.status : 0;
    if (code === 200) {
      pending.delete(card.dataset.question);
      retryDelay.delete(card.dataset.question);
    } else if (code === 401) {
      scheduleRetry(card, null); // the swapped message explains; keep retrying quietly
    } else if (code === 0 || code >= 500) {
      scheduleRetry(card);
    }
  });

  document.body.addEventListener("htmx:sendError", function (event) {
    const card = cardOf(event.detail.elt);
    if (card && event.detail.elt === card) scheduleRetry(card);
  });

  // A message beside a field marks that field invalid for assistive technology.
  function markInvalid(card) {
    const id = card.dataset.question;
    const valueError = document.getElementById("err-" + id);
    const linkError = document.getElementById("err-link-" + id);
    const bad = valueError && valueError.hasAttribute("data-invalid");
    card.querySelectorAll('[role=radiogroup], input[type=text][name$="-value"], textarea[name$="-value"]').forEach(function (el) {
      if (bad) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
    });
    const link = card.querySelector('input[name$="-evidence_link"]');
    if (link) {
      if (linkError && linkError.hasAttribute("data-invalid")) link.setAttribute("aria-invalid", "true");
      else link.removeAttribute("aria-invalid");
    }
  }

  // After the reply and its out-of-band messages are in place (the event fires on
  // the swapped element, inside the card).
  document.body.addEventListener("htmx:afterSettle", function (event) {
    const card = cardOf(event.detail.elt);
    if (card) markInvalid(card);
  });

  // N/A and an answer exclude each other.
  document.body.addEventListener("change", function (event) {
    const input = event.target;
    const card = cardOf(input);
    if (!card) return;
    if (input.name && input.name.endsWith("-not_applicable") && input.checked) {
      card.querySelectorAll('input[name$="-value"]').forEach(function (el) {
        if (el.type === "radio") el.checked = false; else el.value = "";
      });
      card.querySelectorAll('textarea[name$="-value"]').forEach(function (el) { el.value = ""; });
    } else if (input.name && input.name.endsWith("-value")) {
      const na = card.querySelector('input[name$="-not_applicable"]');
      if (na && (input.type !== "radio" || input.checked) && input.value) na.checked = false;
    }
    if (input.type !== "file") pending.add(card.dataset.question);
  }, true);

  // "Keep my answer" after a conflict: save again, based on the stored version.
  document.body.addEventListener("click", function (event) {
    const useStored = event.target.closest("[data-use-stored]");
    if (useStored) {
      // The user chose to drop this answer: leaving the page is what they asked for.
      pending.delete(useStored.dataset.question);
      return;
    }
    const button = event.target.closest("[data-keep-mine]");
    if (!button) return;
    const card = document.getElementById("q-" + button.dataset.question);
    const version = card.querySelector('input[name$="-version"]');
    version.value = button.dataset.version;
    statusOf(card).innerHTML = "";
    htmx.trigger(card, "retry");
  });

  window.addEventListener("beforeunload", function (event) {
    if (pending.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A plain submit of the whole page saves everything: no need to warn.
  if (form) form.addEventListener("submit", function () { pending.clear(); });
})();
