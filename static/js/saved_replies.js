// Saved replies in the composer. Typing "/" at the start of a line or word, or "#", opens a
// searchable list (an ARIA combobox with a listbox): arrow keys move, Enter inserts the reply
// with its placeholders filled in by the server for this ticket, Escape closes and leaves
// what was typed. The chosen reply's id goes with the message, so its actions (status,
// priority, tags) apply when it is sent; "Remove" drops them. Nothing is counted or changed
// until the message is sent.
(function () {
  "use strict";

  var picker = document.getElementById("saved-reply-picker");
  var box = document.querySelector("textarea[data-composer]");
  if (!picker || !box || picker.hasAttribute("data-ready")) return;
  picker.setAttribute("data-ready", "");
  var form = box.form;
  var search = document.getElementById("saved-reply-search");
  var list = document.getElementById("saved-reply-options");
  var status = document.getElementById("saved-reply-status");
  var idField = form.querySelector("input[name=saved_reply_id]");
  var actionsField = form.querySelector("input[name=saved_reply_actions]");
  var actionsBox = document.getElementById("saved-reply-actions");
  var actionList = actionsBox.querySelector("[data-saved-reply-action-list]");
  var replies = null;
  var shown = [];
  var active = -1;
  var trigger = null; // where the "/" or "#" that opened the list sits in the message

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      });
  }

  function load() {
    if (replies) return Promise.resolve(replies);
    return getJSON(picker.getAttribute("data-list-url")).then(function (data) {
      replies = data.replies || [];
      return replies;
    });
  }

  function fillUrl(id) {
    return picker.getAttribute("data-fill-url").replace(/\/1$/, "/" + encodeURIComponent(id));
  }

  function open(position) {
    trigger = position;
    picker.hidden = false;
    search.value = "";
    search.setAttribute("aria-expanded", "true");
    search.focus();
    load().then(searched).catch(function () {
      status.textContent = picker.getAttribute("data-text-error");
    });
  }

  function close(backToMessage) {
    picker.hidden = true;
    search.setAttribute("aria-expanded", "false");
    search.removeAttribute("aria-activedescendant");
    if (backToMessage) box.focus();
    trigger = null;
  }

  // Closing without choosing gives the message back what was typed in the search box
  // after the "/" or "#" (an agent writing "order #123" loses nothing).
  function closeKeepingText() {
    var typed = search.value;
    var at = trigger === null ? box.selectionStart : trigger + 1;
    close(true);
    box.value = box.value.slice(0, at) + typed + box.value.slice(at);
    box.setSelectionRange(at + typed.length, at + typed.length);
    if (typed) box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function matches(reply, words) {
    var text = (reply.title + " " + reply.keywords + " " + reply.preview).toLowerCase();
    return words.every(function (word) { return text.indexOf(word) !== -1; });
  }

  function render() {
    if (!replies) return;
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    shown = replies.filter(function (reply) { return matches(reply, words); }).slice(0, 30);
    list.textContent = "";
    shown.forEach(function (reply, index) {
      var item = document.createElement("li");
      item.id = "saved-reply-option-" + reply.id;
      item.setAttribute("role", "option");
      item.setAttribute("data-index", String(index));
      var title = document.createElement("span");
      title.className = "saved-reply-title";
      title.setAttribute("dir", "auto");
      title.textContent = reply.title;
      var meta = document.createElement("span");
      meta.className = "saved-reply-meta";
      meta.textContent = reply.language_name + " · " +
        picker.getAttribute(reply.team ? "data-text-team" : "data-text-personal");
      var preview = document.createElement("span");
      preview.className = "saved-reply-preview";
      preview.setAttribute("dir", "auto");
      preview.textContent = reply.preview;
      item.appendChild(title);
      item.appendChild(meta);
      item.appendChild(preview);
      list.appendChild(item);
    });
    active = shown.length ? 0 : -1;
    highlight();
    status.textContent = shown.length
      ? picker.getAttribute("data-text-count").replace("{count}", String(shown.length))
      : picker.getAttribute("data-text-none");
  }

  function highlight() {
    Array.prototype.forEach.call(list.children, function (item, index) {
      item.setAttribute("aria-selected", index === active ? "true" : "false");
    });
    if (active < 0) {
      search.removeAttribute("aria-activedescendant");
      return;
    }
    var item = list.children[active];
    search.setAttribute("aria-activedescendant", item.id);
    if (item.scrollIntoView) item.scrollIntoView({ block: "nearest" });
  }

  function showActions(labels) {
    if (labels && labels.length) {
      actionList.textContent = labels.join(", ");
      actionsField.value = "1";
      actionsBox.hidden = false;
    } else {
      actionsField.value = "";
      actionsBox.hidden = true;
    }
  }

  function insert(text) {
    var start = trigger === null ? box.selectionStart : trigger;
    var end = trigger === null ? box.selectionEnd : trigger + 1;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    box.value = before + text + after;
    close(false);
    var caret = (before + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true })); // drafts, blame hint
  }

  function choose(index) {
    var reply = shown[index];
    if (!reply) return;
    getJSON(fillUrl(reply.id)).then(function (data) {
      insert(data.text);
      idField.value = String(data.id);
      showActions(data.actions);
    }).catch(function () {
      status.textContent = picker.getAttribute("data-text-error");
    });
  }

  // Fetch the list when the message box is first used, so it is there when "/" is typed.
  box.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });

  box.addEventListener("input", function (event) {
    if (event.inputType !== "insertText" || (event.data !== "/" && event.data !== "#")) return;
    var position = box.selectionStart - 1;
    var previous = position > 0 ? box.value.charAt(position - 1) : "";
    if (event.data === "/" && previous && !/\s/.test(previous)) return; // "and/or", URLs
    open(position);
  });

  function searched() {
    render();
    // A first word nothing matches, followed by a space: the agent was writing ("order
    // #12 "), not searching. Checked again once the list arrives, for quick typists.
    var first = search.value.match(/^\s*(\S+)\s/);
    if (replies && first && !replies.some(function (reply) {
      return matches(reply, [first[1].toLowerCase()]);
    })) closeKeepingText();
  }

  search.addEventListener("input", searched);
  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!shown.length) return;
      var step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + shown.length) % shown.length;
      highlight();
    } else if (event.key === "Enter") {
      event.preventDefault(); // never submits the reply
      if (active >= 0) choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeKeepingText();
    } else if (event.key === "Tab") {
      event.preventDefault();
      closeKeepingText();
    }
  });

  list.addEventListener("mousedown", function (event) {
    event.preventDefault(); // keep focus in the search box
  });
  list.addEventListener("click", function (event) {
    var item = event.target.closest("[role=option]");
    if (item) choose(Number(item.getAttribute("data-index")));
  });

  document.addEventListener("click", function (event) {
    if (!picker.hidden && !picker.contains(event.target)) closeKeepingText();
  });

  // A message emptied of its text no longer carries the saved reply's actions.
  box.addEventListener("input", function () {
    if (idField.value && !box.value.trim()) {
      idField.value = "";
      showActions([]);
    }
  });

  actionsBox.addEventListener("click", function (event) {
    if (!event.target.closest("[data-saved-reply-remove-actions]")) return;
    showActions([]);
    box.focus();
  });

  // After a refused send the page comes back with the chosen reply: word its actions again.
  if (idField.value && actionsField.value === "1") {
    getJSON(fillUrl(idField.value)).then(function (data) { showActions(data.actions); })
      .catch(function () { /* the generic wording stays */ });
  }
})();
