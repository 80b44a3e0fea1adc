/* Helpdesk widget loader (served at /widget.js with the workspace's settings filled in).
   Adds one launcher button in a shadow root, styled only through element.style, and
   on first click an iframe to the helpdesk's /widget/frame shown as a panel (loaded
   hidden beforehand for a visitor who wrote to us, so it can show an unread dot). It talks to
   the frame only with postMessage, to and from the helpdesk's exact origin; the one global
   it defines is window.HelpdeskWidget {open, close}. */
(function () {
  "use strict";
  var W = window, D = document;
  if (W.HelpdeskWidget) return;
  // {colour, ink, position, label, title, unread, frame, views}: replaced by the server (ink:
  // the text colour for the launcher, chosen for WCAG contrast by helpdesk/contrast.py;
  // views: where a signed-in customer's page view is reported, helpdesk/widget/page_views.py).
  var C = "__HELPDESK_WIDGET_CONFIG__";
  var me = D.currentScript || D.querySelector('script[src*="/widget.js"]');
  if (!me || !W.URL || !W.postMessage) return;
  var src = new URL(me.src, location.href), ORIGIN = src.origin, data = me.dataset;
  var identity = data.userEmail ? {
    email: data.userEmail, name: data.userName || "", hash: data.userHash || ""
  } : null;
  var url = new URL(C.frame, src);
  url.searchParams.set("origin", location.origin);
  var left = C.position === "bottom-left";
  var phone = W.matchMedia && matchMedia("(max-width: 480px)");
  var button, dot, frame, ready = false, isOpen = false, STORE = "helpdesk.widget";
  var ACTIVE = "helpdesk.widget.wrote";

  function css(el, styles) {
    for (var k in styles) el.style[k] = styles[k];
    return el;
  }
  function make(tag, styles) { return css(D.createElement(tag), styles); }
  function still() {
    return W.matchMedia && matchMedia("(prefers-reduced-motion: reduce)").matches;
  }
  // Dark or light text, whichever reads better on the launcher colour (a fallback: the
  // server sends C.ink).
  function ink(hex) {
    var n = parseInt(hex.slice(1), 16);
    return ((n >> 16) * 299 + (n >> 8 & 255) * 587 + (n & 255) * 114) / 1000 > 150 ? "#111" : "#fff";
  }
  // Where a browser refuses storage to the (third-party) frame, the frame's conversations
  // and drafts are kept here, on the host page, and handed back when it starts.
  function stored() {
    try { return JSON.parse(localStorage.getItem(STORE)); } catch (e) { return null; }
  }
  function post(message) {
    if (frame && ready) frame.contentWindow.postMessage(message, ORIGIN);
  }

  function place() {
    if (!frame) return;
    var full = phone && phone.matches, side = left ? "left" : "right";
    css(frame, full ? {
      top: "0", left: "0", right: "0", bottom: "0", width: "100%", height: "100%", borderRadius: "0"
    } : {
      top: "auto", left: "auto", right: "auto", bottom: "80px", borderRadius: "12px",
      width: "min(380px, calc(100vw - 32px))", height: "min(620px, calc(100vh - 100px))"
    });
    if (!full) frame.style[side] = "16px";
  }

  function setUnread(on) {
    dot.style.display = on ? "block" : "none";
    button.setAttribute("aria-label", on ? C.label + " (" + C.unread + ")" : C.label);
  }

  function makeFrame() {
    if (frame) return;
    frame = make("iframe", {
      position: "fixed", zIndex: "2147483647", border: "0", background: "#fff",
      boxShadow: "0 8px 32px rgba(0,0,0,.25)", colorScheme: "light", display: "none"
    });
    frame.title = C.title;
    frame.src = url.href;
    button.parentNode.appendChild(frame);
  }
  // A visitor who has written to us before: load the panel hidden, once the page is idle,
  // so it can look for our replies and light the dot before they open it.
  function wrote() {
    try { return !!localStorage.getItem(ACTIVE) || !!(stored() || {})["helpdesk.conversations"]; }
    catch (e) { return false; }
  }

  function open() {
    if (isOpen || !button) return;
    isOpen = true;
    makeFrame();
    frame.style.display = "block";
    place();
    button.setAttribute("aria-expanded", "true");
    setUnread(false);
    if (!still() && frame.animate) {
      frame.animate([{opacity: 0, transform: "translateY(12px)"}, {opacity: 1, transform: "none"}],
        {duration: 160, easing: "ease-out"});
    }
    if (ready) {
      frame.focus();
      post({type: "helpdesk:shown"});
    }
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    frame.style.display = "none";
    button.setAttribute("aria-expanded", "false");
    post({type: "helpdesk:hidden"});
    button.focus();
  }

  W.addEventListener("message", function (event) {
    if (!frame || event.origin !== ORIGIN || event.source !== frame.contentWindow) return;
    var type = event.data && event.data.type;
    if (type === "helpdesk:ready") {
      ready = true;
      post({
        type: "helpdesk:init", identity: identity, open: isOpen, stored: stored(),
        pageUrl: location.origin + location.pathname
      });
      if (isOpen) frame.focus();
    } else if (type === "helpdesk:close") {
      close();
    } else if (type === "helpdesk:unread") {
      if (!isOpen) setUnread(true);
    } else if (type === "helpdesk:wrote") {
      try { localStorage.setItem(ACTIVE, "1"); } catch (e) { /* storage refused */ }
    } else if (type === "helpdesk:store") {
      try { localStorage.setItem(STORE, JSON.stringify(event.data.data)); } catch (e) { /* full */ }
    }
  });

  function start() {
    var host = D.createElement("div");
    host.setAttribute("data-helpdesk-widget", "");
    var root = host.attachShadow ? host.attachShadow({mode: "open"}) : host;
    button = make("button", {
      position: "fixed", bottom: "16px", zIndex: "2147483646", margin: "0", minHeight: "44px",
      padding: "10px 18px", border: "0", borderRadius: "999px", cursor: "pointer",
      background: C.colour, color: C.ink || ink(C.colour), boxShadow: "0 2px 10px rgba(0,0,0,.25)",
      font: "600 15px/1.2 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif",
      textTransform: "none", letterSpacing: "normal"
    });
    button.style[left ? "left" : "right"] = "16px";
    button.type = "button";
    button.textContent = C.label;
    button.setAttribute("aria-expanded", "false");
    dot = make("span", {
      position: "absolute", top: "-3px", right: "-3px", width: "12px", height: "12px",
      borderRadius: "50%", background: "#d93025", border: "2px solid #fff", display: "none"
    });
    button.appendChild(dot);
    button.addEventListener("click", function () { isOpen ? close() : open(); });
    button.addEventListener("focus", function () {
      if (!button.matches || button.matches(":focus-visible")) {
        css(button, {outline: "3px solid #f2a900", outlineOffset: "2px"});
      }
    });
    button.addEventListener("blur", function () { button.style.outline = "none"; });
    root.appendChild(button);
    D.body.appendChild(host);
    if (phone) phone.addEventListener ? phone.addEventListener("change", place) : phone.addListener(place);
    D.addEventListener("keydown", function (event) {
      if (isOpen && event.key === "Escape") close();
    });
    if (wrote()) setTimeout(makeFrame, 1500);
  }

  // A verified customer's page view, as a product event (a beacon: JSON as text/plain, no
  // CORS preflight; the host page's CSP must allow connect-src to the helpdesk).
  if (identity && identity.hash && navigator.sendBeacon && W.crypto && crypto.randomUUID) {
    try {
      navigator.sendBeacon(new URL(C.views, src).href, JSON.stringify(
        {id: crypto.randomUUID(), email: identity.email, hash: identity.hash}));
    } catch (e) { /* refused by the page's policy: nothing to report */ }
  }

  W.HelpdeskWidget = {open: open, close: close};
  D.body ? start() : D.addEventListener("DOMContentLoaded", start);
})();
