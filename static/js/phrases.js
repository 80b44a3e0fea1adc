// Recovery helpers on the ticket page: a suggested phrase goes into the reply at the cursor
// (nothing is sent without the agent), and a gentle hint appears when an apology leans on
// blame-shifting words. The phrase's use is counted by htmx on the same click.
(function () {
  "use strict";

  function composer() { return document.querySelector("[data-composer]"); }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-phrase]");
    if (!button) return;
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
