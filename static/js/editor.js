/* Blueprint editor: small enhancements on top of server-rendered forms (which work without this file).
   - marks the form "not saved yet" as soon as something is typed, and warns before leaving with unsaved input;
   - after a row button or a save (swapped in place by htmx), puts the focus back where the keyboard was;
   - Ctrl/Cmd+S saves the section; Enter in a one-line field adds no line break. */
(function () {
  "use strict";

  var leaving = false;

  function form() { return document.querySelector("[data-editor-form]"); }

  function markDirty(target) {
    var f = target && target.closest && target.closest("[data-editor-form]");
    if (!f || f.hasAttribute("data-dirty")) return;
    f.setAttribute("data-dirty", "");
    var state = f.querySelector("[data-save-state]");
    if (state) state.innerHTML = '<span class="editor-savebar__dot"></span>Not saved yet';
  }

  function restoreFocus(root) {
    var f = root && root.matches && root.matches("[data-editor-form]") ? root : form();
    if (!f) return;
    var summary = f.querySelector("#error-summary, #conflict");
    if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus({ preventScroll: false }); return; }
    var name = f.getAttribute("data-focus");
    if (!name) return;
    var target = f.querySelector('[name="' + name + '"]');
    if (target && target.disabled) {
      // The row reached the top or bottom: stay on the same row's other move button.
      target = target.closest("tr") && target.closest("tr").querySelector(".icon-btn:not(:disabled)");
    }
    if (target) { target.focus({ preventScroll: true }); target.scrollIntoView({ block: "nearest" }); }
  }

  document.addEventListener("input", function (event) { markDirty(event.target); });
  document.addEventListener("change", function (event) { markDirty(event.target); });

  document.addEventListener("submit", function () { leaving = true; });
  document.addEventListener("htmx:beforeRequest", function () { leaving = false; });
  window.addEventListener("beforeunload", function (event) {
    var f = form();
    if (!leaving && f && f.hasAttribute("data-dirty")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) { restoreFocus(event.detail.elt); });

  document.addEventListener("keydown", function (event) {
    // Names and short values are one-line textareas (so long ones wrap): Enter adds no line break.
    if (event.key === "Enter" && event.target.matches && event.target.matches("textarea[data-single-line]")) {
      event.preventDefault();
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      var f = form();
      var save = f && f.querySelector(".editor-savebar button[name='save']");
      if (save) { event.preventDefault(); save.click(); }
    }
  });

  function init() {
    var f = form();
    if (f && f.hasAttribute("data-focus")) restoreFocus(f);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
