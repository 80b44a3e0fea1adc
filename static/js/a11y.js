// Focus and announcements for people who cannot see the page change.
//
// After an htmx swap that removed the element holding the keyboard focus, focus moves into
// the new content instead of falling back to the top of the page: to the first field
// marked invalid, else to an element with the same id as the one that had focus, else to
// the element the fragment marks with data-focus, else to the swapped region itself.
// Swaps that did not take the focus away (polling, a filter that stays focused) move
// nothing. A fragment's data-announce text, and flash messages after a page load, are
// spoken through the page's polite live region (#announcer).
(function () {
  "use strict";
  var D = document;
  // Per request, from its start to its swap: {id, targetId, hadFocus}.
  var requests = typeof WeakMap === "function" ? new WeakMap() : null;

  function announce(text) {
    var region = D.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    // A short pause makes screen readers treat the same text again as new.
    window.setTimeout(function () { region.textContent = text; }, 150);
  }

  function focusable(el) {
    if (!el || el.closest("[hidden]")) return null;
    if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) {
      el.setAttribute("tabindex", "-1");
    }
    return el;
  }

  function focusLost() {
    var active = D.activeElement;
    return !active || active === D.body || !D.body.contains(active);
  }

  function place(root, id) {
    var target = root.querySelector('[aria-invalid="true"]');
    if (!target && id) {
      var same = D.getElementById(id);
      if (same && root.contains(same)) target = same;
    }
    if (!target) target = root.matches("[data-focus]") ? root : root.querySelector("[data-focus]");
    target = focusable(target || root);
    if (target) target.focus();
  }

  D.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    var active = D.activeElement;
    if (!requests || !event.detail.xhr) return;
    requests.set(event.detail.xhr, {
      id: active && active.id,
      targetId: target && target.id,
      hadFocus: !!(target && active && active !== D.body && target.contains(active))
    });
  });

  D.addEventListener("htmx:afterSettle", function (event) {
    var state = requests && event.detail.xhr ? requests.get(event.detail.xhr) : null;
    var root = event.detail.target;
    // An outerHTML swap replaced the target: find its successor by id.
    if (root && !D.body.contains(root) && state && state.targetId) {
      root = D.getElementById(state.targetId);
    }
    if (!root) return;
    var message = root.matches("[data-announce]") ? root : root.querySelector("[data-announce]");
    if (message && state) announce(message.getAttribute("data-announce"));
    if (state && state.hadFocus && focusLost()) place(root, state.id);
  });

  function start() {
    // After a full page load: a form sent back with errors puts the focus on the first
    // invalid field (unless the page chose a field itself); a flash message is spoken.
    if (!D.querySelector("[autofocus]")) {
      var invalid = D.querySelector('main [aria-invalid="true"]');
      if (invalid) invalid.focus();
    }
    var flashes = D.querySelector(".flashes");
    if (flashes) announce(flashes.textContent.replace(/\s+/g, " ").trim());
  }

  if (D.readyState === "loading") D.addEventListener("DOMContentLoaded", start);
  else start();
})();
