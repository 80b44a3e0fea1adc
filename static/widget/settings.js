/* Widget settings page: a colour picker that mirrors the colour field, a contrast warning
   that follows the colour as it changes, and copy buttons for the snippets. Without
   JavaScript the text field and the snippets work on their own (the server renders the
   warning for the saved colour and repeats it on save). */
(function () {
  "use strict";
  var D = document, valid = /^#[0-9a-fA-F]{6}$/;
  var text = D.getElementById("colour"), picker = D.getElementById("colour-picker");
  var warning = D.getElementById("colour-contrast");

  // WCAG 2.2 relative luminance and contrast, as helpdesk/contrast.py computes them: the
  // launcher's text is near-black or white, whichever contrasts more with the colour.
  function luminance(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [n >> 16, n >> 8 & 255, n & 255].map(function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }).reduce(function (sum, v, i) { return sum + v * [0.2126, 0.7152, 0.0722][i]; }, 0);
  }
  function ratio(a, b) {
    var x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function checkContrast(value) {
    if (!warning || !valid.test(value)) return;
    var best = Math.max(ratio(value, "#111111"), ratio(value, "#ffffff"));
    var shown = new Intl.NumberFormat(D.documentElement.lang || undefined, {
      minimumFractionDigits: 2, maximumFractionDigits: 2
    }).format(Math.floor(best * 100) / 100);
    var message = best < 4.5 ? warning.dataset.message.replace("{ratio}", shown) : "";
    if (warning.textContent !== message) warning.textContent = message;
  }
  if (text && picker) {
    D.getElementById("colour-picker-field").hidden = false;
    // The shared form style stretches inputs; a swatch reads better small (CSSOM, not a
    // style attribute, so the CSP is unaffected).
    picker.style.width = "4rem";
    picker.style.height = "2.5rem";
    picker.style.padding = "2px";
    if (valid.test(text.value.trim())) picker.value = text.value.trim().toLowerCase();
    picker.addEventListener("input", function () {
      text.value = picker.value;
      checkContrast(picker.value);
    });
    text.addEventListener("input", function () {
      var value = text.value.trim();
      if (valid.test(value)) picker.value = value.toLowerCase();
      checkContrast(value);
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
