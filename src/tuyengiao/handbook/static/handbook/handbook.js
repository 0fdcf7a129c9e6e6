/* Sổ tay đảng viên: the service worker, reading time, and the offline list. No inline script anywhere. */
(function () {
  "use strict";
  const script = document.getElementById("handbook-script");

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  if ("serviceWorker" in navigator && script) {
    navigator.serviceWorker.register(script.dataset.sw, { scope: "/handbook/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      const assets = Array.from(document.querySelectorAll("link[rel=stylesheet], script[src]"))
        .map(function (e) { return e.href || e.src; });
      if (registration.active) {
        registration.active.postMessage({ cache: assets });
      }
    }).catch(function () { /* no offline reading on this browser */ });
  }

  document.addEventListener("submit", function (event) {
    const action = event.target.getAttribute("action") || "";
    if (action.indexOf("/accounts/logout") === 0 && navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ forget: true });
    }
  });

  const article = document.querySelector(".hb-document");
  if (article && navigator.onLine) {
    let seconds = 0;
    let unsent = 0;
    const url = article.dataset.readUrl;
    const send = function () {
      if (!unsent || !navigator.onLine) {
        return;
      }
      const body = new URLSearchParams({ seconds: String(unsent) });
      unsent = 0;
      fetch(url, { method: "POST", body: body, credentials: "same-origin",
                   headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } }).catch(function () {});
    };
    setInterval(function () {
      if (document.visibilityState === "visible") {
        seconds += 5;
        unsent += 5;
        document.querySelectorAll(".hb-seconds").forEach(function (input) { input.value = String(unsent); });
      }
      if (unsent >= 30) {
        send();
      }
    }, 5000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
        send();
      }
    });
  }

  const list = document.getElementById("hb-offline-list");
  if (list && "caches" in window) {
    caches.open("hb-docs-v1").then(function (cache) { return cache.keys(); }).then(function (keys) {
      keys.reverse().forEach(function (request) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = request.url;
        link.textContent = new URL(request.url).pathname;
        item.appendChild(link);
        list.appendChild(item);
        caches.match(request).then(function (response) { return response.text(); }).then(function (html) {
          const title = new DOMParser().parseFromString(html, "text/html").querySelector("h1");
          if (title) {
            link.textContent = title.textContent;
          }
        });
      });
    });
  }
}());
