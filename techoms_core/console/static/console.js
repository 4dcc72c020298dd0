// The console's own behaviour, where htmx alone cannot do the job:
// tabs, the "unsaved changes" mark, and asking before leaving with unsaved changes.
(function () {
  "use strict";

  // -- tabs: [data-tab="ID"] buttons show the [data-tab-panel="ID"] panel --------
  function showTab(name) {
    document.querySelectorAll("[data-tab]").forEach(function (tab) {
      var active = tab.getAttribute("data-tab") === name;
      tab.classList.toggle("active", active);
      tab.setAttribute("aria-selected", active ? "true" : "false");
    });
    document.querySelectorAll("[data-tab-panel]").forEach(function (panel) {
      panel.hidden = panel.getAttribute("data-tab-panel") !== name;
    });
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-tab]");
    if (tab) {
      event.preventDefault();
      showTab(tab.getAttribute("data-tab"));
      history.replaceState(null, "", "#" + tab.getAttribute("data-tab"));
    }
  });

  function openTabFromHash() {
    var name = location.hash.replace("#", "");
    if (name && document.querySelector('[data-tab="' + CSS.escape(name) + '"]')) {
      showTab(name);
    }
  }

  // -- unsaved changes: forms marked data-track-changes --------------------------
  var dirty = false;

  function markDirty(value) {
    dirty = value;
    document.querySelectorAll("[data-unsaved-mark]").forEach(function (mark) {
      mark.hidden = !value;
    });
    document.body.classList.toggle("has-unsaved-changes", value);
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest("form[data-track-changes]")) {
      markDirty(true);
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.closest("form[data-track-changes]")) {
      markDirty(true);
    }
  });

  // A response that saved the form says so with the header HX-Trigger: saved.
  document.addEventListener("saved", function () {
    markDirty(false);
  });

  // A mapping row added, changed, removed or imported is an unsaved change of
  // the page too (HX-Trigger: mappings-changed); Save writes it.
  document.addEventListener("mappings-changed", function () {
    markDirty(true);
  });

  // A form that htmx posts field by field is never submitted the browser's way
  // (pressing Enter in a text field would otherwise reload the page).
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-no-submit]")) {
      event.preventDefault();
    }
  });

  // Leaving the page (a link, reload, closing) with unsaved changes asks first.
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // An htmx full-page redirect (HX-Redirect) after a deliberate action, e.g. Delete,
  // is not "leaving with unsaved changes".
  document.addEventListener("htmx:beforeOnLoad", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.getResponseHeader("HX-Redirect") && event.detail.elt.closest("[data-discards-changes]")) {
      markDirty(false);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    openTabFromHash();
    markDirty(false);
  });
})();
