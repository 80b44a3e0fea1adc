// The reply composer never loses work: the text, and whether it is a reply or an internal
// note, are saved in this browser per ticket while typing, restored after a reload, and
// forgotten once the server confirms the send. It also tells the presence panel when the
// agent is typing (at most one extra report when typing starts).
(function () {
  "use strict";
  var PREFIX = "helpdesk:draft:";
  var TYPING_MS = 5000;
  var typingUntil = 0;

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function read(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function setup(form) {
    var key = PREFIX + form.getAttribute("data-draft-key");
    var box = form.querySelector("[data-composer]");
    var store = storage();
    if (!box || !store) return;
    if (form.hasAttribute("data-draft-sent")) store.removeItem(key);
    var saved = read(store, key);
    if (saved && saved.text && !box.value) {  // text the server sent back wins
      box.value = saved.text;
      var radio = form.querySelector('input[name="kind"][value="' + (saved.kind === "note" ? "note" : "reply") + '"]');
      if (radio) radio.checked = true;
    }
    function save() {
      var kind = form.querySelector('input[name="kind"]:checked');
      if (box.value) store.setItem(key, JSON.stringify({ text: box.value, kind: kind ? kind.value : "reply" }));
      else store.removeItem(key);
    }
    form.addEventListener("change", save);
    box.addEventListener("input", function () {
      save();
      var wasTyping = Date.now() < typingUntil;
      typingUntil = Date.now() + TYPING_MS;
      var panel = document.getElementById("presence");
      if (!wasTyping && panel && window.htmx) window.htmx.trigger(panel, "refresh");
    });
  }

  // The presence report says whether this agent is typing, from state kept here rather than
  // in the panel that each report replaces.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt && event.detail.elt.id === "presence") {
      event.detail.parameters.typing = Date.now() < typingUntil ? "1" : "";
    }
  });

  document.querySelectorAll("form[data-draft-key]").forEach(setup);
})();
