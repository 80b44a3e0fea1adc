// Recovery helpers on the ticket page: a suggested phrase goes into the reply at the cursor
// (nothing is sent without the agent), and a gentle hint appears when an apology leans on
// blame-shifting words. The phrase's use is counted by htmx on the same click.
(function () {
  "use strict";

  function composer() { return document.querySelector("[data-composer]"); }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-phrase]");
    if (!button || button.disabled || !button.getAttribute("data-phrase")) return;
    var box = composer();
    if (!box) return;
    var text = button.getAttribute("data-phrase");
    var start = box.selectionStart === undefined ? box.value.length : box.selectionStart;
    var end = box.selectionEnd === undefined ? box.value.length : box.selectionEnd;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    var spacer = before && !/\s$/.test(before) ? " " : "";
    box.value = before + spacer + text + after;
    var caret = (before + spacer + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // A phrase using a step's field ({issue_summary}, {resolution}) follows that field as the
  // agent types: filled in and enabled when the field has words, disabled with its hint
  // while it is empty. Buttons carry data-phrase-template and data-phrase-fields
  // ("issue_summary=problem_summary": placeholder=field id).
  function fieldsOf(button) {
    return (button.getAttribute("data-phrase-fields") || "").split(" ").filter(Boolean).map(function (pair) {
      var parts = pair.split("=");
      return { name: parts[0], field: document.getElementById(parts[1]) };
    });
  }

  function refreshPhrase(button) {
    var fields = fieldsOf(button);
    if (!fields.length || fields.some(function (f) { return !f.field; })) return; // the server's rendering stands
    var text = button.getAttribute("data-phrase-template");
    var ready = true;
    fields.forEach(function (f) {
      var value = f.field.value.replace(/\s+/g, " ").trim().replace(/[.。।]$/, "");
      if (!value) { ready = false; return; }
      text = text.split("{" + f.name + "}").join(value);
    });
    var hint = button.parentNode.querySelector("[data-phrase-hint]");
    button.disabled = !ready;
    button.setAttribute("data-phrase", ready ? text : "");
    button.textContent = ready ? text : button.getAttribute("data-phrase-template");
    if (hint) hint.hidden = ready;
  }

  function refreshAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-phrase-template]"), refreshPhrase);
  }

  document.addEventListener("input", function (event) {
    var id = event.target && event.target.id;
    if (!id) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-phrase-template]"), function (button) {
      if ((" " + button.getAttribute("data-phrase-fields")).indexOf("=" + id) !== -1) refreshPhrase(button);
    });
  });
  document.addEventListener("htmx:afterSwap", refreshAll);
  refreshAll();

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function setupBlameHint() {
    var box = composer();
    var hint = document.getElementById("blame-hint");
    if (!box || !hint) return;
    var words = [];
    try { words = JSON.parse(box.getAttribute("data-blame-words") || "[]"); } catch (e) { return; }
    if (!words.length) return;
    var patterns = words.map(function (word) {
      // Latin words match whole words; other scripts (Thai has no spaces) match anywhere.
      var latin = /^[\x00-\x7F]+$/.test(word);
      return { word: word, re: new RegExp(latin ? "\\b" + escapeRegExp(word) + "\\b" : escapeRegExp(word), "i") };
    });
    var list = hint.querySelector("[data-blame-found]");
    function check() {
      var found = patterns.filter(function (p) { return p.re.test(box.value); }).map(function (p) { return p.word; });
      hint.hidden = found.length === 0;
      if (list) list.textContent = found.join(", ");
    }
    box.addEventListener("input", check);
    check();
  }

  setupBlameHint();
})();
