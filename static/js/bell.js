// The bell in the header (templates/notifications/_bell.html). htmx polls it with the
// ETag it was rendered with; a 304 means nothing changed, so nothing is swapped. When a
// new bell arrives, an open panel stays open, and, if the person turned desktop
// notifications on (a click, which asks the browser's permission) and this tab is hidden,
// the newest unread item is shown as a desktop notification.
(function () {
  "use strict";
  var STORAGE_KEY = "helpdesk.desktopNotifications";
  var wasOpen = false;
  var lastNewest = null;

  function desktopWanted() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) === "on";
    } catch (error) {
      return false;
    }
  }

  function supported() {
    return "Notification" in window;
  }

  function setUp(bell) {
    if (!bell) return;
    var button = bell.querySelector("[data-bell-desktop]");
    if (button) {
      button.hidden = !supported() || (desktopWanted() && Notification.permission === "granted");
    }
    var newest = parseInt(bell.getAttribute("data-newest-id") || "0", 10);
    if (
      lastNewest !== null &&
      newest > lastNewest &&
      document.hidden &&
      supported() &&
      desktopWanted() &&
      Notification.permission === "granted" &&
      bell.getAttribute("data-latest")
    ) {
      new Notification(bell.getAttribute("data-latest"), { tag: "helpdesk-bell" });
    }
    lastNewest = newest;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "bell") return;
    if (event.detail.xhr && event.detail.xhr.status === 304) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      return;
    }
    var details = target.querySelector("details");
    wasOpen = !!(details && details.open);
  });

  var current = null;

  document.addEventListener("htmx:afterSettle", function () {
    var bell = document.getElementById("bell");
    if (!bell || bell === current) return;
    current = bell;
    if (wasOpen) {
      var details = bell.querySelector("details");
      if (details) details.open = true;
      wasOpen = false;
    }
    setUp(bell);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-bell-desktop]");
    if (!button || !supported()) return;
    Notification.requestPermission().then(function (permission) {
      try {
        window.localStorage.setItem(STORAGE_KEY, permission === "granted" ? "on" : "off");
      } catch (error) {
        /* private mode: nothing to remember */
      }
      button.hidden = permission === "granted";
    });
  });
})();
