// Attaching files to a message (the agent's composer, the customer page): a file picker,
// drag and drop onto the form, and pasting an image (a screenshot) from the clipboard, which
// becomes a file named pasted-image-<time>.png. Chosen files are listed with remove buttons
// and checked here with the server's limits (data- attributes on [data-attachments]), so a
// file that is too large or of a refused type is turned away before any upload, with the
// server's own wording, and the typed text is untouched. The server checks everything again.
(function () {
  "use strict";

  var chosen = new WeakMap(); // field element -> array of File

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function size(field, bytes) {
    var mb = 1024 * 1024;
    if (bytes >= mb) return fill(field.dataset.unitMb, { n: (Math.round((bytes / mb) * 10) / 10).toLocaleString() });
    if (bytes >= 1024) return fill(field.dataset.unitKb, { n: (Math.round((bytes / 1024) * 10) / 10).toLocaleString() });
    return fill(field.dataset.unitBytes, { n: bytes.toLocaleString() });
  }

  function filesOf(field) {
    if (!chosen.has(field)) chosen.set(field, []);
    return chosen.get(field);
  }

  function input(field) { return field.querySelector('input[type="file"]'); }

  function showError(field, message) {
    var error = field.querySelector("[data-attachment-error]");
    if (!error) return;
    error.textContent = message || "";
    error.hidden = !message;
    field.classList.toggle("field-invalid", Boolean(message));
    var box = input(field);
    if (box) {
      if (message) box.setAttribute("aria-invalid", "true");
      else box.removeAttribute("aria-invalid");
    }
  }

  function problem(field, file, files) {
    var data = field.dataset;
    var extension = (file.name.split(".").pop() || "").toLowerCase();
    var allowed = (data.accept || "").split(",");
    if (file.size === 0) return fill(data.msgEmpty, { name: file.name });
    if (file.size > Number(data.maxFileBytes)) {
      return fill(data.msgTooLarge, {
        name: file.name, size: size(field, file.size), limit: size(field, Number(data.maxFileBytes)),
      });
    }
    if (file.name.indexOf(".") < 0 || allowed.indexOf("." + extension) < 0) {
      return fill(data.msgType, { name: file.name });
    }
    if (files.length + 1 > Number(data.maxFiles)) return fill(data.msgCount, { limit: data.maxFiles });
    var total = files.reduce(function (sum, f) { return sum + f.size; }, file.size);
    if (total > Number(data.maxTotalBytes)) {
      return fill(data.msgTotal, { size: size(field, total), limit: size(field, Number(data.maxTotalBytes)) });
    }
    return "";
  }

  function sync(field) {
    var files = filesOf(field);
    var box = input(field);
    if (box && typeof DataTransfer === "function") {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      box.files = transfer.files;
    }
    var list = field.querySelector("[data-attachment-list]");
    if (!list) return;
    list.textContent = "";
    files.forEach(function (file, index) {
      var item = document.createElement("li");
      var name = document.createElement("bdi");
      name.textContent = file.name;
      var hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = " " + size(field, file.size) + " ";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button";
      remove.setAttribute("data-attachment-remove", String(index));
      remove.setAttribute("aria-label", fill(field.dataset.labelRemove, { name: file.name }));
      remove.textContent = "×";
      item.append(name, hint, remove);
      list.append(item);
    });
    list.hidden = files.length === 0;
  }

  function add(field, incoming) {
    var files = filesOf(field);
    var message = "";
    Array.prototype.forEach.call(incoming, function (file) {
      var refused = problem(field, file, files);
      if (refused) message = message ? message + " " + refused : refused;
      else files.push(file);
    });
    showError(field, message);
    sync(field);
  }

  function fieldIn(element) {
    var form = element && element.closest ? element.closest("form") : null;
    return form ? form.querySelector("[data-attachments]") : null;
  }

  // The picker: its selection is added to the list (choosing again adds, never replaces).
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('[data-attachments] input[type="file"]')) return;
    var field = box.closest("[data-attachments]");
    var picked = Array.prototype.slice.call(box.files || []);
    if (!picked.length) { sync(field); return; }
    add(field, picked);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-attachment-remove]") : null;
    if (!button) return;
    var field = button.closest("[data-attachments]");
    filesOf(field).splice(Number(button.getAttribute("data-attachment-remove")), 1);
    showError(field, "");
    sync(field);
  });

  document.addEventListener("dragover", function (event) {
    var field = fieldIn(event.target);
    if (!field || !event.dataTransfer || Array.prototype.indexOf.call(event.dataTransfer.types, "Files") < 0) return;
    event.preventDefault();
    field.closest("form").classList.add("attach-dragging");
  });

  document.addEventListener("dragleave", function (event) {
    var field = fieldIn(event.target);
    if (field) field.closest("form").classList.remove("attach-dragging");
  });

  document.addEventListener("drop", function (event) {
    var field = fieldIn(event.target);
    if (!field || !event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    field.closest("form").classList.remove("attach-dragging");
    add(field, event.dataTransfer.files);
  });

  // Pasting: images on the clipboard become files; pasted text is left to the text box.
  document.addEventListener("paste", function (event) {
    var field = fieldIn(event.target);
    var clipboard = event.clipboardData;
    if (!field || !clipboard) return;
    var files = [];
    Array.prototype.forEach.call(clipboard.items || [], function (item) {
      if (item.kind !== "file") return;
      var file = item.getAsFile();
      if (!file) return;
      if (/^image\//.test(file.type)) {
        var extension = file.type === "image/jpeg" ? "jpg" : file.type.split("/")[1];
        var stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "");
        file = new File([file], field.dataset.pastedName + "-" + stamp + "." + extension, { type: file.type });
      }
      files.push(file);
    });
    if (!files.length) return;
    event.preventDefault();
    add(field, files);
  });
})();
