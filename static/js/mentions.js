// The @mention picker in the composer (internal notes only): typing "@" offers the team;
// ArrowDown/ArrowUp choose, Enter or Tab inserts "@handle ", Escape closes. The list comes
// once from the staff-only endpoint named by #mention-picker[data-mentions-url]; the note
// names people by these handles (helpdesk/notifications/mentions.py).
(function () {
  "use strict";
  var MAX_SHOWN = 8;
  var TRIGGER = /(^|[\s(\[{"'])@([^\s@]*)$/;
  var people = null;
  var loading = null;
  var state = { open: false, matches: [], index: 0, start: 0 };

  function picker() {
    return document.getElementById("mention-picker");
  }

  function composer() {
    return document.querySelector("textarea[data-composer]");
  }

  function isNote(textarea) {
    var form = textarea.form;
    var checked = form && form.querySelector('input[name="kind"]:checked');
    return !!checked && checked.value === "note";
  }

  function load() {
    if (people) return Promise.resolve(people);
    if (loading) return loading;
    var box = picker();
    loading = fetch(box.getAttribute("data-mentions-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (list) {
        people = list;
        return list;
      })
      .catch(function () {
        loading = null;
        return [];
      });
    return loading;
  }

  function close() {
    var box = picker();
    var textarea = composer();
    state.open = false;
    state.matches = [];
    if (box) {
      box.hidden = true;
      box.textContent = "";
    }
    if (textarea) {
      textarea.removeAttribute("aria-activedescendant");
    }
  }

  function render() {
    var box = picker();
    var textarea = composer();
    box.textContent = "";
    state.matches.forEach(function (person, index) {
      var option = document.createElement("li");
      option.id = "mention-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("data-index", String(index));
      option.setAttribute("aria-selected", index === state.index ? "true" : "false");
      var name = document.createElement("bdi");
      name.textContent = person.name;
      var handle = document.createElement("span");
      handle.className = "muted";
      handle.textContent = " @" + person.handle;
      option.appendChild(name);
      option.appendChild(handle);
      box.appendChild(option);
    });
    box.hidden = false;
    state.open = true;
    textarea.setAttribute("aria-activedescendant", "mention-option-" + state.index);
  }

  function update(textarea) {
    if (!picker() || !isNote(textarea)) return close();
    var caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return close();
    var found = TRIGGER.exec(textarea.value.slice(0, caret));
    if (!found) return close();
    var query = found[2].toLowerCase();
    var start = caret - found[2].length - 1;
    load().then(function (list) {
      if (textarea.selectionStart !== caret) return;
      var matches = list
        .filter(function (person) {
          var name = person.name.toLowerCase();
          return (
            person.handle.toLowerCase().indexOf(query) === 0 ||
            name.indexOf(query) === 0 ||
            name.split(/\s+/).some(function (word) {
              return word.indexOf(query) === 0;
            })
          );
        })
        .slice(0, MAX_SHOWN);
      if (!matches.length) return close();
      state.matches = matches;
      state.index = Math.min(state.index, matches.length - 1);
      if (!state.open || state.start !== start) state.index = 0;
      state.start = start;
      render();
    });
  }

  function choose(index) {
    var textarea = composer();
    var person = state.matches[index];
    if (!textarea || !person) return close();
    var caret = textarea.selectionStart;
    var inserted = "@" + person.handle + " ";
    textarea.value =
      textarea.value.slice(0, state.start) + inserted + textarea.value.slice(caret);
    var at = state.start + inserted.length;
    textarea.setSelectionRange(at, at);
    close();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-composer]")) {
      update(event.target);
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "kind") close();
  });

  // Capture: the picker answers these keys before the composer's own shortcuts do.
  document.addEventListener(
    "keydown",
    function (event) {
      if (!state.open || !event.target.matches || !event.target.matches("textarea[data-composer]")) {
        return;
      }
      var handled = true;
      switch (event.key) {
        case "ArrowDown":
          state.index = (state.index + 1) % state.matches.length;
          render();
          break;
        case "ArrowUp":
          state.index = (state.index - 1 + state.matches.length) % state.matches.length;
          render();
          break;
        case "Enter":
        case "Tab":
          choose(state.index);
          break;
        case "Escape":
          close();
          break;
        default:
          handled = false;
      }
      if (handled) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true
  );

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest("#mention-picker [role=option]");
    if (!option) return;
    event.preventDefault(); // keep the focus in the message
    choose(parseInt(option.getAttribute("data-index"), 10));
  });

  document.addEventListener("focusout", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-composer]")) close();
  });
})();
