// Starts Swagger UI on /api/docs/ with the schema URL the page names (no inline script: CSP).
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("swagger-ui");
    if (!node || typeof window.SwaggerUIBundle !== "function") return;
    window.ui = window.SwaggerUIBundle({
      url: node.getAttribute("data-schema-url"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      // Session auth works in the browser: send the CSRF token on writes.
      requestInterceptor: function (request) {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        if (match) request.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
        return request;
      },
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
