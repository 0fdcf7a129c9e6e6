/* Shared behaviour of every page: keyboard access to scrolling tables, menus that close on
   Escape and give focus back, dialogs that return focus to what opened them. No inline script. */
(function () {
  "use strict";

  // A table wider than the screen scrolls in its wrapper; the wrapper must take keyboard focus
  // so it can be scrolled without a mouse, and say what it holds.
  function scrollableTables(root) {
    root.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        if (!wrap.hasAttribute("role")) {
          wrap.setAttribute("role", "region");
          var caption = wrap.querySelector("caption");
          var heading = caption || wrap.closest("section") && wrap.closest("section").querySelector("h2, h3");
          wrap.setAttribute("aria-label", (heading && heading.textContent.trim()) || document.title);
        }
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
      }
    });
  }

  // Header cells say what they head: a column in <thead>, a row in <tbody>.
  function tableHeaders(root) {
    root.querySelectorAll("thead th:not([scope])").forEach(function (th) { th.setAttribute("scope", "col"); });
    root.querySelectorAll("tbody th:not([scope])").forEach(function (th) { th.setAttribute("scope", "row"); });
  }

  // Navigation blocks are landmarks; each needs its own name. Breadcrumb trails take the site's
  // word for them (from <body data-breadcrumb-label>), other unnamed ones in the page "tools".
  function landmarkNames(root) {
    var labels = document.body.dataset;
    root.querySelectorAll("main nav:not([aria-label]):not([aria-labelledby])").forEach(function (nav) {
      nav.setAttribute("aria-label", nav.classList.contains("breadcrumbs") ? labels.breadcrumbLabel : labels.toolsLabel);
    });
  }

  // Menus (<details data-menu>): Escape closes and returns focus to the toggle; leaving the menu
  // with Tab or clicking elsewhere closes it.
  function menus() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
    });
    document.addEventListener("focusin", function (event) {
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
  }

  // Dialogs: <button data-dialog="id"> opens <dialog id="id"> as a modal (the browser keeps focus
  // inside it); closing it gives focus back to the button. [data-close] buttons inside close it.
  function dialogs() {
    document.addEventListener("click", function (event) {
      var opener = event.target.closest("[data-dialog]");
      if (opener) {
        var dialog = document.getElementById(opener.getAttribute("data-dialog"));
        if (dialog && dialog.showModal) {
          event.preventDefault();
          dialog.showModal();
          dialog.addEventListener("close", function () { opener.focus(); }, { once: true });
        }
        return;
      }
      var closer = event.target.closest("dialog [data-close]");
      if (closer) closer.closest("dialog").close();
    });
  }

  // A form sent back with errors: say so in the live region and put the focus on the first field
  // in error; the field's aria-describedby reads its error out.
  function formErrors() {
    var invalid = document.querySelector("main [aria-invalid=true]");
    var live = document.getElementById("live-status");
    if (!invalid || !live) return;
    var count = document.querySelectorAll("main [aria-invalid=true]").length;
    invalid.focus();
    window.setTimeout(function () {
      live.textContent = live.getAttribute("data-form-errors").replace("%(n)s", count);
    }, 300);
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollableTables(document);
    tableHeaders(document);
    landmarkNames(document);
    formErrors();
    menus();
    dialogs();
    window.addEventListener("resize", function () { scrollableTables(document); });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      scrollableTables(event.target);
      tableHeaders(event.target);
    });
  });
})();
