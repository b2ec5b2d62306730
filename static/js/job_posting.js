/* Job posting page: copy the Markdown, fit the preview frame to its content, flag a stale preview.
   The page works without this file (Preview and the downloads are plain form posts). */
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand && document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function init() {
    var form = document.querySelector("[data-posting-form]");
    if (!form) return;
    var text = form.querySelector("[data-posting-text]");
    var status = form.querySelector("[data-copy-status]");
    var button = form.querySelector("[data-copy-posting]");
    if (button && text) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copyText(text.value).then(function () {
          status.textContent = "Copied to the clipboard.";
        }, function () {
          status.textContent = "Your browser refused to copy; select the text and copy it by hand.";
        });
      });
    }

    // The frame is sandboxed without scripts; same-origin only so that its height can be read here.
    var frame = form.querySelector("[data-preview-frame]");
    function fit() {
      try {
        var doc = frame.contentDocument;
        if (doc && doc.documentElement) frame.style.height = (doc.documentElement.scrollHeight + 4) + "px";
      } catch (e) { /* keep the stylesheet's height */ }
    }
    if (frame) {
      frame.addEventListener("load", fit);
      if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit();
      window.addEventListener("resize", fit);
    }

    var stale = form.querySelector("[data-preview-stale]");
    if (text && stale && frame) {
      var original = text.value;
      text.addEventListener("input", function () { stale.hidden = text.value === original; });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
