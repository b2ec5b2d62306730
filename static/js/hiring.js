/* Hiring pages: small progressive enhancements. Every form works without this file (and without htmx). */
(function () {
  "use strict";

  var NEEDS_EVIDENCE = { "1": true, "4": true };

  // A rating of 1 or 4 needs an evidence note: say so on the row as soon as it is chosen.
  function evidenceHints() {
    document.querySelectorAll("[data-dimension]").forEach(function (row) {
      var textarea = row.querySelector("[data-evidence] textarea");
      if (!textarea) return;
      function update() {
        var checked = row.querySelector("input[type='radio']:checked");
        var required = !!(checked && NEEDS_EVIDENCE[checked.value]);
        row.classList.toggle("is-evidence-required", required);
        row.classList.toggle("is-evidence-missing", required && !textarea.value.trim());
        textarea.setAttribute("aria-required", required ? "true" : "false");
      }
      row.addEventListener("change", update);
      textarea.addEventListener("input", update);
      update();
    });
  }

  // Autosave without htmx (when the vendored copy is missing): the same endpoint, posted with fetch.
  function fetchAutosave() {
    if (window.htmx) return;
    document.querySelectorAll("form[data-scorecard-form][hx-post]").forEach(function (form) {
      var url = form.getAttribute("hx-post");
      var status = document.getElementById("autosave-status");
      var timer = null;
      function save() {
        fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
                     headers: { "HX-Request": "true" } })
          .then(function (response) { return response.text(); })
          .then(function (html) { if (status) status.innerHTML = html; })
          .catch(function () { if (status) status.textContent = "Not saved: the connection failed. Use Save draft."; });
      }
      function later(delay) { window.clearTimeout(timer); timer = window.setTimeout(save, delay); }
      form.addEventListener("input", function () { later(1500); });
    });
  }

  // One click, one submission; and a Save or Submit never races an autosave of the same card: a pending
  // autosave is dropped (the submission carries the same fields) and one in flight is waited for.
  function singleSubmit() {
    document.querySelectorAll("form.scorecard-form").forEach(function (form) {
      var inFlight = 0, submitting = false, waiting = null;
      form.addEventListener("htmx:beforeRequest", function (event) {
        if (submitting) { event.preventDefault(); return; }
        inFlight += 1;
      });
      form.addEventListener("htmx:afterRequest", function () {
        inFlight = Math.max(0, inFlight - 1);
        if (!inFlight && waiting) { var submitter = waiting; waiting = null; form.requestSubmit(submitter); }
      });
      form.addEventListener("submit", function (event) {
        submitting = true;
        if (inFlight) {
          event.preventDefault();
          waiting = event.submitter || form.querySelector("button[type='submit']");
          return;
        }
        form.querySelectorAll("button[type='submit']").forEach(function (button) {
          window.setTimeout(function () { button.disabled = true; }, 0);
        });
      });
    });
  }

  function init() { evidenceHints(); fetchAutosave(); singleSubmit(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
