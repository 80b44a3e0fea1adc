// Keyboard shortcuts for agents: j/k move through the inbox, Enter opens, / searches,
// r replies, n writes a note, ? shows the list. Keys typed into a field are left alone.
(function () {
  "use strict";

  function typingInField(event) {
    var el = event.target;
    return el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-keyboard-list] [data-row]"));
  }

  function select(index) {
    var all = rows();
    if (!all.length) return;
    index = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row) { row.classList.remove("selected"); row.removeAttribute("aria-selected"); });
    var row = all[index];
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    var link = row.querySelector("a");
    if (link) link.focus();
  }

  function selectedIndex() {
    var all = rows();
    for (var i = 0; i < all.length; i++) {
      if (all[i].classList.contains("selected") || all[i].contains(document.activeElement)) return i;
    }
    return -1;
  }

  function compose(kind) {
    var radio = document.querySelector('[data-shortcut-kind="' + kind + '"]');
    var box = document.querySelector("[data-composer]");
    if (!box) return false;
    if (radio) radio.checked = true;
    box.focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var dialog = document.getElementById("shortcuts");
    if (typingInField(event)) return;
    var handled = true;
    switch (event.key) {
      case "j": select(selectedIndex() + 1); break;
      case "k": select(selectedIndex() < 0 ? 0 : selectedIndex() - 1); break;
      case "Enter": {
        var index = selectedIndex();
        var link = index >= 0 ? rows()[index].querySelector("a") : null;
        if (link && document.activeElement !== link) link.click(); else handled = false;
        break;
      }
      case "/": {
        var search = document.querySelector("[data-shortcut-search]");
        if (search) { search.focus(); search.select(); } else handled = false;
        break;
      }
      case "r": handled = compose("reply"); break;
      case "n": handled = compose("note"); break;
      case "?": if (dialog && !dialog.open) dialog.showModal(); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-dialog]")) {
      var dialog = event.target.closest("dialog");
      if (dialog) dialog.close();
    }
  });
})();
