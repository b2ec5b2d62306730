/* KPI pages: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Record form: a value belongs to a person or to a team, so choosing one clears the other.
  function personOrTeam() {
    document.querySelectorAll("form[data-kpi-record]").forEach(function (form) {
      var person = form.querySelector("select[name='person']");
      var team = form.querySelector("select[name='team']");
      if (!person || !team) return;
      person.addEventListener("change", function () { if (person.value) team.value = ""; });
      team.addEventListener("change", function () { if (team.value) person.value = ""; });
    });
  }

  // CSV upload: say at once when the chosen file is over the limit, instead of after uploading it.
  function uploadSize() {
    document.querySelectorAll("form[data-kpi-upload]").forEach(function (form) {
      var input = form.querySelector("input[type='file']");
      var error = form.querySelector("[data-kpi-size-error]");
      var limit = parseInt(form.getAttribute("data-max-bytes"), 10);
      if (!input || !error || !limit) return;
      function check() {
        var file = input.files && input.files[0];
        var tooBig = file && file.size > limit;
        error.hidden = !tooBig;
        if (tooBig) {
          error.textContent = "“" + file.name + "” is " + (file.size / 1048576).toFixed(1) + " MB; the limit is " +
            Math.round(limit / 1048576) + " MB. Split it into smaller files.";
        }
        return !tooBig;
      }
      input.addEventListener("change", check);
      form.addEventListener("submit", function (event) {
        if (!check()) { event.preventDefault(); event.stopImmediatePropagation(); }
      }, true);
    });
  }

  function init() { personOrTeam(); uploadSize(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
