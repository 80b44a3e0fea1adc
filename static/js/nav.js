// The header's menus (Founders, Settings) are <details> disclosures, usable without this
// file. With it they behave like menus people know: opening one closes the other, and a
// click elsewhere or Escape closes an open one (Escape returns focus to its summary).
(function () {
  "use strict";
  var D = document;

  function menus() {
    return Array.prototype.slice.call(D.querySelectorAll("details[data-nav-menu]"));
  }

  D.addEventListener("toggle", function (event) {
    var opened = event.target;
    if (!opened.matches || !opened.matches("details[data-nav-menu]") || !opened.open) return;
    menus().forEach(function (menu) {
      if (menu !== opened) menu.open = false;
    });
  }, true);

  D.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });

  D.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus().forEach(function (menu) {
      if (!menu.open) return;
      menu.open = false;
      if (menu.contains(D.activeElement)) menu.querySelector("summary").focus();
    });
  });
})();
