// The reply composer never loses work: the text is saved in this browser per ticket while
// typing, restored after a reload, and forgotten once the server confirms it was sent.
// It also tells the presence panel when the agent is typing.
(function () {
  "use strict";
  var PREFIX = "helpdesk:draft:";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function setup(form) {
    var key = PREFIX + form.getAttribute("data-draft-key");
    var box = form.querySelector("[data-composer]");
    var store = storage();
    if (!box || !store) return;
    if (form.hasAttribute("data-draft-sent")) store.removeItem(key);
    var saved = store.getItem(key);
    if (saved && !box.value) box.value = saved;  // text the server sent back wins
    var typingTimer = null;
    box.addEventListener("input", function () {
      if (box.value) store.setItem(key, box.value); else store.removeItem(key);
      var typing = document.getElementById("presence-typing");
      if (!typing) return;
      var wasTyping = typing.value === "1";
      typing.value = "1";
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () {
        var field = document.getElementById("presence-typing");
        if (field) field.value = "";
      }, 5000);
      var panel = document.getElementById("presence");
      if (!wasTyping && panel && window.htmx) window.htmx.trigger(panel, "refresh");
    });
  }

  document.querySelectorAll("form[data-draft-key]").forEach(setup);
})();
