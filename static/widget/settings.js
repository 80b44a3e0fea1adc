/* Widget settings page: a colour picker that mirrors the colour field, and copy buttons for
   the snippets. Without JavaScript the text field and the snippets work on their own. */
(function () {
  "use strict";
  var D = document, valid = /^#[0-9a-fA-F]{6}$/;
  var text = D.getElementById("colour"), picker = D.getElementById("colour-picker");
  if (text && picker) {
    D.getElementById("colour-picker-field").hidden = false;
    // The shared form style stretches inputs; a swatch reads better small (CSSOM, not a
    // style attribute, so the CSP is unaffected).
    picker.style.width = "4rem";
    picker.style.height = "2.5rem";
    picker.style.padding = "2px";
    if (valid.test(text.value.trim())) picker.value = text.value.trim().toLowerCase();
    picker.addEventListener("input", function () { text.value = picker.value; });
    text.addEventListener("input", function () {
      var value = text.value.trim();
      if (valid.test(value)) picker.value = value.toLowerCase();
    });
  }
  var status = D.getElementById("copy-status");
  D.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = D.getElementById(button.dataset.copy);
      navigator.clipboard.writeText(source.textContent).then(function () {
        status.textContent = button.dataset.copied;
      });
    });
  });
})();
