/* The support panel inside the widget iframe: article search, the "write to us" form, the
   conversation with polling, replies and the rating. Plain JS, no dependencies.

   Talks to the host page (the loader) only with postMessage, and only with the origin the
   server vetted (config.parentOrigin; empty means post nothing). Messages:
     frame -> host: helpdesk:ready, helpdesk:close, helpdesk:unread, helpdesk:wrote (the
                    visitor has conversations: the loader preloads the panel next time)
     frame -> host: helpdesk:store {data} (only where the frame may not use storage)
     host -> frame: helpdesk:init {identity: {email, name, hash} | null, pageUrl, open,
                    stored}, helpdesk:shown, helpdesk:hidden
   localStorage (per helpdesk origin, partitioned per host site by the browser; kept by
   the host page under "helpdesk.widget" where third-party storage is blocked):
     helpdesk.conversations  [{number, token, subject, status, latest, seen}], newest first,
                             at most 20 (latest: our newest reply's id; seen: the newest
                             the customer has had on screen)
     helpdesk.draft          the "write to us" form while typed, with its Idempotency-Key
     helpdesk.reply.<number> an unsent reply
     helpdesk.language       the language the customer picked (the frame reloads in it)
   Language: ?lang, else helpdesk.language, else a verified customer's stored language
   (GET /conversations answers it; the frame reloads once with ?lang), else the browser's.
   The conversation token travels only in the X-Conversation-Token header. */
(function () {
  "use strict";
  var D = document, W = window;
  var CONFIG = JSON.parse(D.getElementById("widget-config").textContent);
  var T = CONFIG.text, API = CONFIG.api, PARENT = CONFIG.parentOrigin;
  var EMBEDDED = W.parent !== W && !!PARENT;
  var KEY_CONVERSATIONS = "helpdesk.conversations", KEY_DRAFT = "helpdesk.draft";
  var KEY_REPLY = "helpdesk.reply.", KEY_LANGUAGE = "helpdesk.language";
  var POLL_SHOWN = 4000, POLL_HIDDEN = 30000, REMEMBERED = 20, SUMMARIES_EVERY = 60000;
  var LANG = D.documentElement.lang || undefined;

  function $(id) { return D.getElementById(id); }
  function el(tag, className, text) {
    var node = D.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function debounce(fn, ms) {
    var timer = 0;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function latin1(text) { return /^[\x20-\x7e\xa0-\xff]*$/.test(text); }
  function fill(template, name, value) { return template.replace("{" + name + "}", value); }

  // ---- Storage: the frame's own localStorage where the browser allows it. A browser that
  // refuses storage to third-party frames gets the data kept by the host page instead: the
  // frame posts it (helpdesk:store) and the loader hands it back in helpdesk:init.
  var memory = {}, OWN = probe(), hostTimer = 0;
  function probe() {
    try {
      W.localStorage.setItem("helpdesk.probe", "1");
      W.localStorage.removeItem("helpdesk.probe");
      return true;
    } catch (error) {
      return false;
    }
  }
  function load(key, fallback) {
    if (!OWN) return key in memory ? memory[key] : fallback;
    try {
      var raw = W.localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (error) {
      return fallback;
    }
  }
  function flushToHost() {
    if (hostTimer) post({type: "helpdesk:store", data: memory});
    clearTimeout(hostTimer);
    hostTimer = 0;
  }
  function store(key, value) {
    if (OWN) {
      try {
        if (value === null) W.localStorage.removeItem(key);
        else W.localStorage.setItem(key, JSON.stringify(value));
      } catch (error) { /* full: nothing more to do */ }
      return;
    }
    if (value === null) delete memory[key];
    else memory[key] = value;
    clearTimeout(hostTimer);
    hostTimer = setTimeout(flushToHost, 300);
  }
  function adopt(data) {
    if (OWN || !data || typeof data !== "object") return;
    Object.keys(data).forEach(function (key) {
      if (key.indexOf("helpdesk.") === 0 && !(key in memory)) memory[key] = data[key];
    });
  }
  function remembered() {
    var list = load(KEY_CONVERSATIONS, []);
    return Array.isArray(list) ? list.filter(function (c) {
      return c && typeof c.number === "number" && typeof c.token === "string";
    }) : [];
  }
  function remember(entry, toFront) {
    var list = remembered(), at = -1;
    list.forEach(function (c, i) { if (c.number === entry.number) at = i; });
    var before = at >= 0 ? list[at] : {};
    var saved = {number: entry.number, token: entry.token, subject: entry.subject || "",
      status: entry.status || "",
      latest: Math.max(entry.latest || 0, before.latest || 0),
      seen: Math.max(entry.seen || 0, before.seen || 0)};
    if (at >= 0 && !toFront) list[at] = saved;
    else {
      if (at >= 0) list.splice(at, 1);
      list.unshift(saved);
    }
    store(KEY_CONVERSATIONS, list.slice(0, REMEMBERED));
    post({type: "helpdesk:wrote"});
  }
  function forget(number) {
    store(KEY_CONVERSATIONS, remembered().filter(function (c) { return c.number !== number; }));
    store(KEY_REPLY + number, null);
  }

  // ---- State
  var identity = null, pageUrl = "", shown = !EMBEDDED, initialised = false;
  var current = null, pollTimer = 0, fromAccount = [], chosenRating = null;
  var draft = {};

  // ---- The host page
  function post(message) { if (EMBEDDED) W.parent.postMessage(message, PARENT); }

  function cleanIdentity(raw) {
    if (!raw || typeof raw !== "object" || typeof raw.email !== "string") return null;
    var email = raw.email.trim().slice(0, 254), hash = String(raw.hash || "").slice(0, 128);
    var name = String(raw.name || "").trim().slice(0, 200);
    if (!email || !latin1(email) || !latin1(hash)) return null;
    return {email: email, name: name, hash: hash};
  }

  // ---- Messages for the customer
  function say(text) {
    var live = $("announce");
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 50);
  }
  var retryAction = null;
  function showAlert(text, retry) {
    $("alert").hidden = false;
    $("alert-text").textContent = text;
    retryAction = retry || null;
    $("alert-retry").hidden = !retry;
  }
  function hideAlert() {
    $("alert").hidden = true;
    retryAction = null;
  }

  // ---- The API
  function request(method, path, body, extra) {
    var headers = headersFor(extra);
    var init = {method: method, headers: headers, credentials: "omit", cache: "no-store"};
    if (body instanceof FormData) {
      init.body = body; // multipart: the browser writes the Content-Type and its boundary
      // A header no cross-site form can add: the server refuses multipart without it.
      headers["X-Widget-Request"] = "1";
    } else if (body) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(API + path, init).then(function (response) {
      if (response.status === 304) return {status: 304, ok: true, data: null};
      return response.json().catch(function () { return null; }).then(function (data) {
        return {status: response.status, ok: response.ok, data: data,
          etag: response.headers.get("ETag")};
      });
    }, function () {
      return {status: 0, ok: false, network: true, data: null};
    });
  }
  function headersFor(extra) {
    // The panel's language, so answers, errors and a new customer's record match it.
    var headers = {"Accept": "application/json"};
    if (LANG) headers["Accept-Language"] = LANG;
    if (identity) {
      headers["X-Widget-User-Email"] = identity.email;
      if (identity.hash) headers["X-Widget-User-Hash"] = identity.hash;
      // Header values are Latin-1: a name in another script still arrives in the body.
      if (identity.name && latin1(identity.name)) headers["X-Widget-User-Name"] = identity.name;
    }
    for (var name in extra || {}) headers[name] = extra[name];
    return headers;
  }
  function problem(result) {
    if (result.network) return T.network;
    var error = result.data && result.data.error;
    return (error && error.message) || T.failed;
  }
  function retryable(result) {
    return result.network || result.status >= 500 || result.status === 409 ||
      result.status === 429;
  }
  function errorCode(result) {
    return result.data && result.data.error && result.data.error.code;
  }

  // ---- Forms: errors under their fields, one submission at a time
  function clearErrors(form) {
    form.querySelectorAll(".error").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (f) {
      f.removeAttribute("aria-invalid");
    });
  }
  function showFieldErrors(form, result) {
    var fields = (result.data && result.data.error && result.data.error.fields) || {};
    var first = null, unplaced = [];
    Object.keys(fields).forEach(function (name) {
      var input = form.elements.namedItem(name), note = input && $(input.id + "-error");
      if (!note) { unplaced.push(String(fields[name])); return; }
      note.textContent = String(fields[name]);
      note.hidden = false;
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    });
    if (first) first.focus();
    return unplaced;
  }
  function failed(form, result, retry) {
    var unplaced = showFieldErrors(form, result);
    showAlert([problem(result)].concat(unplaced).join(" "), retryable(result) ? retry : null);
  }
  function busy(form, on) {
    form.querySelector("[type=submit]").setAttribute("aria-disabled", String(on));
    if (on) { form.dataset.busy = "1"; say(T.sending); } else delete form.dataset.busy;
  }
  function uuid() {
    if (W.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join("-");
  }

  // ---- Views: one shown at a time; Back returns to where the customer was
  var views = {home: $("view-home"), article: $("view-article"),
    compose: $("view-compose"), conversation: $("view-conversation")};
  var active = "home", trail = [];
  function show(name, focus) {
    Object.keys(views).forEach(function (key) { views[key].hidden = key !== name; });
    active = name;
    hideAlert();
    if (name === "home") { renderHistory(); checkConversations(); }
    (focus || views[name].querySelector("h2")).focus();
  }
  function go(name) {
    trail.push({view: active, focus: D.activeElement});
    show(name);
  }
  function goBack() {
    var previous = trail.pop() || {view: "home"};
    var focus = previous.focus && views[previous.view].contains(previous.focus) ? previous.focus : null;
    show(previous.view, focus);
  }
  function focusActive() {
    if (active === "home") $("search").focus();
    else views[active].querySelector("h2").focus();
  }
  D.querySelectorAll(".back").forEach(function (b) { b.addEventListener("click", goBack); });

  // ---- Articles
  function openLinksOutside(container) {
    container.querySelectorAll("a[href]").forEach(function (a) {
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    });
  }
  function listArticles(list, articles) {
    list.textContent = "";
    articles.forEach(function (article) {
      var item = el("li"), button = el("button");
      button.type = "button";
      button.appendChild(el("strong", "", article.title));
      if (article.snippet) button.appendChild(el("small", "", article.snippet));
      button.addEventListener("click", function () { openArticle(article.slug); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }
  var searches = {};
  function findArticles(query, channel, then) {
    var ticket = searches[channel] = (searches[channel] || 0) + 1;
    request("GET", "/articles?q=" + encodeURIComponent(query.slice(0, 200))).then(function (r) {
      if (ticket === searches[channel] && r.ok && r.data) then(r.data.articles || []);
    });
  }
  function openArticle(slug) {
    request("GET", "/articles/" + encodeURIComponent(slug)).then(function (r) {
      if (!r.ok || !r.data) {
        showAlert(problem(r), r.network ? function () { openArticle(slug); } : null);
        return;
      }
      $("article-title").textContent = r.data.title;
      var body = $("article-body");
      body.innerHTML = r.data.html; // sanitised by the server (nh3 allowlist)
      openLinksOutside(body);
      var link = $("article-link");
      link.hidden = !/^(https?:\/\/|\/)/.test(r.data.url || "");
      if (!link.hidden) link.href = r.data.url;
      go("article");
    });
  }
  var search = $("search");
  search.addEventListener("input", debounce(function () {
    var query = search.value.trim();
    findArticles(query, "search", function (articles) {
      var list = $("search-results");
      listArticles(list, articles);
      if (!articles.length && query) list.appendChild(el("li", "empty", T.none_found));
      say(articles.length ? fill(T.found, "count", articles.length) : T.none_found);
    });
  }, 250));
  $("search-form").addEventListener("submit", function (event) { event.preventDefault(); });

  // ---- Conversations listed on the home view
  function conversationTitle(c) {
    return c.subject ? "#" + c.number + " · " + c.subject : fill(T.conversation, "number", c.number);
  }
  function renderHistory() {
    var seen = {}, items = [], list = $("history-list");
    remembered().concat(fromAccount).forEach(function (c) {
      if (!seen[c.number]) { seen[c.number] = true; items.push(c); }
    });
    list.textContent = "";
    items.forEach(function (c) {
      var item = el("li"), button = el("button");
      button.type = "button";
      button.appendChild(el("strong", "", conversationTitle(c)));
      if (c.status) button.appendChild(el("small", "", T["status_" + c.status] || c.status));
      if ((c.latest || 0) > (c.seen || 0)) button.appendChild(el("span", "unread", T.unread));
      button.addEventListener("click", function () { openConversation(c); });
      item.appendChild(button);
      list.appendChild(item);
    });
    $("history").hidden = !items.length;
  }
  // The remembered conversations' statuses and our newest replies, in one request: keeps
  // "Your conversations" current and lights the launcher's dot for a reply not yet seen.
  var summaryTimer = 0;
  function checkConversations() {
    clearTimeout(summaryTimer);
    var keys = remembered().map(function (c) { return {number: c.number, token: c.token}; });
    if (!keys.length || D.visibilityState === "hidden") return;
    request("POST", "/conversations/summaries", {conversations: keys}).then(function (r) {
      if (r.ok && r.data && Array.isArray(r.data.conversations)) {
        var found = {}, unread = false;
        r.data.conversations.forEach(function (s) { found[s.number] = s; });
        var list = remembered().map(function (c) {
          var s = found[c.number];
          if (s) {
            c.status = typeof s.status === "string" ? s.status : c.status;
            c.latest = typeof s.last_reply_id === "number" ? s.last_reply_id : 0;
          }
          if ((c.latest || 0) > (c.seen || 0)) unread = true;
          return c;
        });
        store(KEY_CONVERSATIONS, list);
        if (active === "home") renderHistory();
        if (unread && !shown) post({type: "helpdesk:unread"});
      }
      summaryTimer = setTimeout(checkConversations, SUMMARIES_EVERY);
    });
  }
  // The customer has our replies up to `latest` on screen.
  function markSeen(c) {
    if (!shown || active !== "conversation" || !c || !c.latestStaff) return;
    if ((c.entry.seen || 0) >= c.latestStaff) return;
    c.entry.seen = c.latestStaff;
    c.entry.latest = Math.max(c.entry.latest || 0, c.latestStaff);
    if (c.entry.token) remember(c.entry, false);
  }
  function loadAccountHistory() {
    if (!identity || !identity.hash) return;
    request("GET", "/conversations").then(function (r) {
      if (!r.ok || !r.data || !Array.isArray(r.data.conversations)) return;
      if (followAccount(r.data.language)) return;
      fromAccount = r.data.conversations.map(function (c) {
        return {number: c.number, subject: c.subject, status: c.status, token: ""};
      });
      if (active === "home") renderHistory();
    });
  }

  // ---- Writing to support
  var compose = $("compose-form"), nameInput = $("compose-name");
  var emailInput = $("compose-email"), messageInput = $("compose-message");
  function applyIdentity() {
    if (!identity) return;
    emailInput.value = identity.email;
    emailInput.readOnly = true;
    if (identity.name) {
      nameInput.value = identity.name;
      nameInput.readOnly = true;
    }
  }
  function saveDraft() {
    draft.name = nameInput.value;
    draft.email = emailInput.value;
    draft.message = messageInput.value;
    store(KEY_DRAFT, draft);
  }
  function restoreDraft() {
    draft = load(KEY_DRAFT, null) || {};
    nameInput.value = nameInput.value || draft.name || "";
    emailInput.value = emailInput.value || draft.email || "";
    messageInput.value = messageInput.value || draft.message || "";
  }
  compose.addEventListener("input", saveDraft);
  $("write").addEventListener("click", function () {
    go("compose");
    (nameInput.value ? (emailInput.value ? messageInput : emailInput) : nameInput).focus();
  });
  function suggest(articles) {
    listArticles($("suggestion-list"), articles);
    $("suggestions").hidden = !articles.length;
  }
  // A sentence rarely matches as a whole: then try its longest word.
  messageInput.addEventListener("input", debounce(function () {
    var text = messageInput.value.trim();
    if (text.length < 12) { $("suggestions").hidden = true; return; }
    findArticles(text, "suggest", function (articles) {
      var word = text.split(/[\s.,!?;:()"'\/]+/).sort(function (a, b) {
        return b.length - a.length;
      })[0] || "";
      if (articles.length || word.length < 4 || word === text) suggest(articles);
      else findArticles(word, "suggest", suggest);
    });
  }, 400));

  function composeProblems() {
    var found = {};
    if (!nameInput.value.trim()) found.name = T.need_name;
    if (!emailInput.value.trim() || emailInput.validity.typeMismatch) found.email = T.need_email;
    if (!messageInput.value.trim()) found.message = T.need_message;
    return found;
  }
  function sendConversation() {
    if (compose.dataset.busy) return;
    clearErrors(compose);
    hideAlert();
    var body = {name: nameInput.value, email: emailInput.value, message: messageInput.value,
      website: $("compose-website").value};
    if (pageUrl) body.page_url = pageUrl;
    var filesInput = $("compose-attachments");
    var picked = filesInput ? Array.prototype.slice.call(filesInput.files || []) : [];
    var refused = picked.length ? fileProblem(picked) : "";
    // Every field's problem at once, before anything is sent (the server checks the same).
    var missing = composeProblems();
    if (Object.keys(missing).length) {
      showFieldErrors(compose, {data: {error: {fields: missing}}});
      if (refused) showFileError(refused, filesInput);
      return;
    }
    if (refused) {
      showFileError(refused, filesInput);
      filesInput.focus();
      return;
    }
    // One key per submission; retrying the very same text reuses it, so no second ticket.
    var fingerprint = JSON.stringify(body) + picked.map(function (file) {
      return "\n" + file.name + ":" + file.size + ":" + file.lastModified;
    }).join("");
    var sent = body;
    if (picked.length) {
      sent = new FormData();
      Object.keys(body).forEach(function (name) { sent.append(name, body[name]); });
      picked.forEach(function (file) { sent.append("attachments", file, file.name); });
    }
    if (!draft.key || draft.fingerprint !== fingerprint) {
      draft.key = uuid();
      draft.fingerprint = fingerprint;
    }
    saveDraft();
    busy(compose, true);
    request("POST", "/conversations", sent, {"Idempotency-Key": draft.key}).then(function (r) {
      busy(compose, false);
      if (r.status === 201 && r.data && typeof r.data.token === "string") {
        var entry = {number: r.data.number, token: r.data.token, status: r.data.status,
          subject: ""};
        remember(entry, true);
        draft = {};
        store(KEY_DRAFT, null);
        messageInput.value = "";
        if (filesInput) filesInput.value = "";
        $("suggestions").hidden = true;
        openConversation(entry, T.sent, true);
        return;
      }
      if (errorCode(r) === "idempotency_key_reused") draft.key = null;
      failed(compose, r, sendConversation);
    });
  }
  compose.addEventListener("submit", function (event) {
    event.preventDefault();
    sendConversation();
  });

  // ---- One conversation
  var messages = $("messages"), replyForm = $("reply-form"), replyInput = $("reply-message");
  var commentForm = $("comment-form");
  var ratingButtons = D.querySelectorAll("[data-rating]");
  function auth(entry) {
    return entry.token ? {"X-Conversation-Token": entry.token} : {};
  }
  function messageItem(m) {
    var author = ["customer", "staff", "system"].indexOf(m.author) >= 0 ? m.author : "system";
    var item = el("li", "from-" + author), head = el("header"), when = el("time");
    var who = author === "customer" ? T.you : m.author_name || T[author];
    head.appendChild(el("strong", "", who));
    // Formatted by the server, like every page: the workspace's digits and calendar.
    when.dateTime = m.created_at || "";
    when.textContent = m.created_at_label || "";
    head.appendChild(when);
    var body = el("div", "prose");
    body.innerHTML = m.html || ""; // sanitised by the API; never built from other fields
    openLinksOutside(body);
    item.appendChild(head);
    item.appendChild(body);
    if (m.attachments && m.attachments.length) item.appendChild(fileList(m.attachments));
    return item;
  }
  // ---- Attachments: listed under a message; a click fetches the file with the
  // conversation's credentials (headers, never a URL token) and saves it.
  function sizeLabel(bytes) {
    var mb = 1024 * 1024;
    if (bytes >= mb) return fill(T.size_mb, "n", (Math.round((bytes / mb) * 10) / 10).toLocaleString(LANG));
    if (bytes >= 1024) return fill(T.size_kb, "n", (Math.round((bytes / 1024) * 10) / 10).toLocaleString(LANG));
    return fill(T.size_bytes, "n", bytes.toLocaleString(LANG));
  }
  function fileList(files) {
    var list = el("ul", "attachments");
    list.setAttribute("aria-label", T.attachments);
    files.forEach(function (file) {
      var item = el("li"), link = el("a", "", file.filename);
      link.href = file.url;
      link.setAttribute("download", file.filename);
      link.setAttribute("data-attachment", "");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        download(file);
      });
      item.appendChild(link);
      item.appendChild(el("span", "hint", " " + sizeLabel(file.size)));
      list.appendChild(item);
    });
    return list;
  }
  function download(file) {
    var c = current;
    if (!c) return;
    var init = {headers: headersFor(auth(c.entry)), credentials: "omit", cache: "no-store"};
    fetch(file.url, init).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.blob();
    }).then(function (blob) {
      var link = el("a");
      link.href = URL.createObjectURL(blob);
      link.download = file.filename;
      link.hidden = true;
      D.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
    }).catch(function () { showAlert(T.download_failed); });
  }
  // The same limits as the server, so a file too large or of a refused type is turned away
  // before it is sent; the server checks again and words its refusals the same way.
  var attachInput = $("reply-attachments");
  function fileProblem(files) {
    var rules = CONFIG.uploads, total = 0;
    if (files.length > rules.max_files) return fill(T.too_many, "limit", String(rules.max_files));
    for (var i = 0; i < files.length; i++) {
      var file = files[i], extension = (file.name.split(".").pop() || "").toLowerCase();
      if (!file.size) return fill(T.empty, "name", file.name);
      if (file.size > rules.max_file_bytes) {
        return fill(fill(fill(T.too_large, "name", file.name), "size", sizeLabel(file.size)),
          "limit", sizeLabel(rules.max_file_bytes));
      }
      if (file.name.indexOf(".") < 0 || rules.accept.split(",").indexOf("." + extension) < 0) {
        return fill(T.bad_type, "name", file.name);
      }
      total += file.size;
    }
    if (total > rules.max_total_bytes) {
      return fill(fill(T.too_much, "size", sizeLabel(total)), "limit", sizeLabel(rules.max_total_bytes));
    }
    return "";
  }
  function showFileError(message, input) {
    input = input || attachInput;
    var note = $(input.id + "-error");
    note.textContent = message;
    note.hidden = !message;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
  D.querySelectorAll("[data-widget-files]").forEach(function (input) {
    input.addEventListener("change", function () {
      showFileError(fileProblem(Array.prototype.slice.call(input.files || [])), input);
    });
  });
  function addMessage(c, m) {
    if (c.ids[m.id]) return false;
    c.ids[m.id] = true;
    messages.appendChild(messageItem(m));
    return true;
  }
  function pressRating(score) {
    chosenRating = score || null;
    ratingButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.rating === score));
    });
  }
  function render(c, data) {
    var first = !c.loaded, fresh = [];
    c.loaded = true;
    c.entry.subject = data.subject || "";
    c.entry.status = data.status || "";
    if (c.entry.token) remember(c.entry, false);
    $("conversation-title").textContent = conversationTitle(c.entry);
    $("conversation-status").textContent = T["status_" + data.status] || data.status || "";
    // While the customer waits for us: "We are at work now, and we usually reply within…".
    $("conversation-expectation").textContent = data.expectation || "";
    $("conversation-expectation").hidden = !data.expectation;
    (data.messages || []).forEach(function (m) {
      if (m.author === "staff" && typeof m.id === "number") c.latestStaff = Math.max(c.latestStaff || 0, m.id);
      if (addMessage(c, m) && !first && m.author === "staff") fresh.push(m);
    });
    markSeen(c);
    if (first && messages.lastElementChild) messages.lastElementChild.scrollIntoView({block: "nearest"});
    if (fresh.length) {
      say(fill(T.new_reply, "name", fresh[fresh.length - 1].author_name || T.staff));
      if (!shown) post({type: "helpdesk:unread"});
    }
    $("rating").hidden = !(data.can_rate || data.rating);
    if (data.rating) {
      pressRating(data.rating.score);
      commentForm.hidden = false;
      if (!$("rating-comment").value) $("rating-comment").value = data.rating.comment || "";
    }
  }
  // `fromForm`: just written, so Back leads home rather than to the emptied form.
  function openConversation(entry, note, fromForm) {
    current = {entry: entry, etag: null, ids: {}, loaded: false};
    messages.textContent = "";
    $("conversation-title").textContent = conversationTitle(entry);
    $("conversation-status").textContent = "";
    $("conversation-expectation").hidden = true;
    $("rating").hidden = true;
    commentForm.hidden = true;
    $("rating-comment").value = "";
    pressRating(null);
    clearErrors(replyForm);
    replyInput.value = load(KEY_REPLY + entry.number, "") || "";
    if (fromForm) {
      trail = [{view: "home"}];
      show("conversation");
    } else {
      go("conversation");
    }
    if (note) say(note);
    refresh();
  }
  function refresh() {
    var c = current;
    if (!c) return;
    var extra = auth(c.entry);
    if (c.etag) extra["If-None-Match"] = c.etag;
    request("GET", "/conversations/" + c.entry.number, null, extra).then(function (r) {
      if (c !== current) return;
      if (r.status === 404) {
        forget(c.entry.number);
        current = null;
        clearTimeout(pollTimer);
        if (active === "conversation") { trail = []; show("home"); }
        showAlert(T.gone);
        return;
      }
      if (r.status !== 304 && r.ok && r.data) {
        c.etag = r.etag;
        render(c, r.data);
      } else if (!r.ok && !c.loaded) {
        showAlert(problem(r), refresh);
      }
      schedule();
    });
  }
  // Every ~4 s while the panel is open and the page visible; slowly while it is closed (to
  // light the launcher's dot); never while the page is hidden.
  function schedule() {
    clearTimeout(pollTimer);
    if (current && D.visibilityState !== "hidden") {
      pollTimer = setTimeout(refresh, shown ? POLL_SHOWN : POLL_HIDDEN);
    }
  }
  D.addEventListener("visibilitychange", function () {
    if (D.visibilityState === "visible") { refresh(); checkConversations(); }
    else { clearTimeout(pollTimer); clearTimeout(summaryTimer); }
  });

  replyInput.addEventListener("input", function () {
    if (current) store(KEY_REPLY + current.entry.number, replyInput.value || null);
  });
  // The same text sent again (a retry after a lost answer) reuses its Idempotency-Key,
  // so the reply is not posted twice.
  var replyKey = {text: null, key: null};
  function sendReply() {
    var c = current;
    if (!c || replyForm.dataset.busy) return;
    clearErrors(replyForm);
    hideAlert();
    var text = replyInput.value;
    var picked = attachInput ? Array.prototype.slice.call(attachInput.files || []) : [];
    var refused = fileProblem(picked);
    if (refused) {
      showFileError(refused);
      attachInput.focus();
      return;
    }
    busy(replyForm, true);
    var sent = {message: text};
    var fingerprint = c.entry.number + "\n" + text;
    if (picked.length) {
      sent = new FormData();
      sent.append("message", text);
      picked.forEach(function (file) {
        sent.append("attachments", file, file.name);
        fingerprint += "\n" + file.name + ":" + file.size + ":" + file.lastModified;
      });
    }
    if (replyKey.text !== fingerprint) replyKey = {text: fingerprint, key: uuid()};
    var headers = auth(c.entry);
    headers["Idempotency-Key"] = replyKey.key;
    var path = "/conversations/" + c.entry.number + "/messages";
    request("POST", path, sent, headers).then(function (r) {
      busy(replyForm, false);
      if (r.status === 201 && r.data && r.data.message) {
        replyKey = {text: null, key: null};
        store(KEY_REPLY + c.entry.number, null);
        if (c !== current) return;
        replyInput.value = "";
        if (attachInput) attachInput.value = "";
        addMessage(c, r.data.message);
        say(T.sent);
        refresh();
        return;
      }
      failed(replyForm, r, sendReply);
    });
  }
  replyForm.addEventListener("submit", function (event) {
    event.preventDefault();
    sendReply();
  });

  function rate(score, comment) {
    var c = current;
    if (!c || !score) return;
    var body = {rating: score};
    if (comment !== undefined) {
      body.comment = comment;
      clearErrors(commentForm);
    }
    hideAlert();
    var path = "/conversations/" + c.entry.number + "/rating";
    request("POST", path, body, auth(c.entry)).then(function (r) {
      if (r.ok && r.data && r.data.rating) {
        pressRating(r.data.rating.score);
        commentForm.hidden = false;
        say(comment === undefined ? T.rated : T.commented);
        return;
      }
      failed(commentForm, r, function () { rate(score, comment); });
    });
  }
  ratingButtons.forEach(function (b) {
    b.addEventListener("click", function () { rate(b.dataset.rating); });
  });
  commentForm.addEventListener("submit", function (event) {
    event.preventDefault();
    rate(chosenRating, $("rating-comment").value);
  });

  $("alert-retry").addEventListener("click", function () {
    var again = retryAction;
    hideAlert();
    if (again) again();
  });

  // ---- Language: the picker reloads the panel in the chosen language (a plain GET form
  // without JavaScript); the choice is remembered, and stored on the customer's record
  // when the host site vouches for who they are.
  var languageForm = $("language-form");
  function frameIn(code) {
    var url = new URL(languageForm.action, W.location.href);
    new URLSearchParams(W.location.search).forEach(function (value, name) {
      if (name !== "lang") url.searchParams.set(name, value);
    });
    url.searchParams.set("lang", code);
    return url.href;
  }
  function languageCode(code) { return typeof code === "string" && /^[a-z]{2,3}$/.test(code); }
  function reloadIn(code) {
    if (code === LANG || new URLSearchParams(W.location.search).has("lang")) return false;
    flushToHost();
    W.location.replace(frameIn(code));
    return true;
  }
  function followRemembered() {
    var code = load(KEY_LANGUAGE, null);
    return languageCode(code) && reloadIn(code);
  }
  // A verified customer's stored language, on a device where they have not picked one:
  // after ?lang and this panel's own choice, before the browser's.
  function followAccount(code) {
    return languageCode(code) && !languageCode(load(KEY_LANGUAGE, null)) && reloadIn(code);
  }
  languageForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = $("language").value;
    store(KEY_LANGUAGE, code);
    flushToHost();
    var go = function () { W.location.replace(frameIn(code)); };
    if (identity && identity.hash) request("POST", "/language", {language: code}).then(go);
    else go();
  });

  // ---- Start
  if (/^#[0-9a-f]{6}$/i.test(CONFIG.colour)) {
    var n = parseInt(CONFIG.colour.slice(1), 16);
    var light = ((n >> 16) * 299 + (n >> 8 & 255) * 587 + (n & 255) * 114) / 1000 > 150;
    D.documentElement.style.setProperty("--accent", CONFIG.colour);
    D.documentElement.style.setProperty("--accent-ink", CONFIG.ink || (light ? "#111" : "#fff"));
  }
  if (EMBEDDED) {
    $("close").hidden = false;
    $("close").addEventListener("click", function () { post({type: "helpdesk:close"}); });
    D.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        post({type: "helpdesk:close"});
      }
    });
  }
  W.addEventListener("message", function (event) {
    if (!EMBEDDED || event.origin !== PARENT || event.source !== W.parent) return;
    var data = event.data;
    if (!data || typeof data !== "object") return;
    if (data.type === "helpdesk:init" && !initialised) {
      initialised = true;
      adopt(data.stored);
      if (followRemembered()) return;
      restoreDraft();
      renderHistory();
      identity = cleanIdentity(data.identity);
      pageUrl = typeof data.pageUrl === "string" && /^https?:\/\//.test(data.pageUrl)
        ? data.pageUrl.slice(0, 2000) : "";
      shown = data.open !== false;
      applyIdentity();
      loadAccountHistory();
      checkConversations();
      if (shown) focusActive();
    } else if (data.type === "helpdesk:shown") {
      shown = true;
      focusActive();
      markSeen(current);
      if (active === "home") checkConversations();
      refresh();
    } else if (data.type === "helpdesk:hidden") {
      shown = false;
      schedule();
    }
  });
  W.addEventListener("pagehide", flushToHost);
  if (followRemembered()) return;
  restoreDraft();
  renderHistory();
  if (!EMBEDDED) checkConversations();  // embedded: after helpdesk:init hands storage back
  findArticles("", "search", function (articles) { listArticles($("search-results"), articles); });
  post({type: "helpdesk:ready"});
})();
