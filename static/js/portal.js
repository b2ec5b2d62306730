/* Blueprint portal: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Role page: highlight the table-of-contents entry of the section in view.
  function tocHighlight() {
    var links = Array.prototype.slice.call(document.querySelectorAll("[data-toc-link]"));
    if (!links.length || !("IntersectionObserver" in window)) return;
    var byId = {};
    links.forEach(function (link) {
      var id = link.getAttribute("href").slice(1);
      (byId[id] = byId[id] || []).push(link);
    });
    var visible = {};
    function activate() {
      var ids = Object.keys(byId), current = null;
      for (var i = 0; i < ids.length; i++) { if (visible[ids[i]]) { current = ids[i]; break; } }
      if (!current) return;
      links.forEach(function (link) { link.classList.remove("is-active"); link.removeAttribute("aria-current"); });
      byId[current].forEach(function (link) { link.classList.add("is-active"); link.setAttribute("aria-current", "true"); });
      var desktop = document.querySelector(".toc .is-active");
      if (desktop && desktop.scrollIntoView && desktop.offsetParent) {
        var box = desktop.closest(".toc"), top = desktop.offsetTop;
        if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 40) box.scrollTop = top - 80;
      }
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { visible[entry.target.id] = entry.isIntersecting; });
      activate();
    }, { rootMargin: "-72px 0px -55% 0px", threshold: 0 });
    Object.keys(byId).forEach(function (id) {
      var section = document.getElementById(id);
      if (section) observer.observe(section);
    });
    // The folded menu on narrow screens closes once a section is chosen.
    document.querySelectorAll(".toc-mobile a").forEach(function (link) {
      link.addEventListener("click", function () { link.closest("details").removeAttribute("open"); });
    });
  }

  // Print buttons exist only when there is script to press them.
  function printButtons() {
    document.querySelectorAll("[data-action='print']").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // Catalog filters apply as soon as a select changes (the Apply button stays for keyboards and no-JS).
  function autosubmit() {
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  // Import: show progress while files upload and are checked or imported; avoid double submits.
  function importProgress() {
    document.querySelectorAll("form[data-import-form], form[data-confirm-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var submitter = event.submitter;
        if (submitter && submitter.value === "cancel") return;
        var busy = form.querySelector("[data-busy]") || document.querySelector("[data-busy]");
        var input = form.querySelector("input[type='file']");
        if (busy) {
          if (input && input.files && input.files.length) {
            var n = input.files.length;
            busy.querySelector("[data-busy-text]").textContent =
              "Uploading and checking " + n + (n === 1 ? " file" : " files") + "…";
          }
          busy.hidden = false;
        }
        form.querySelectorAll("button[type='submit']").forEach(function (button) {
          window.setTimeout(function () { button.disabled = true; }, 0);
        });
      });
    });
  }

  // Close the user menu when clicking elsewhere.
  function menus() {
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.usermenu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
  }

  function init() { tocHighlight(); printButtons(); autosubmit(); importProgress(); menus(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
