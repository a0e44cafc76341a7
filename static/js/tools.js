/* Progressive enhancement for the tools: every tool works without this file.
 * While the reader edits a tool form, fetch the same GET URL the form would
 * submit to, then swap in the fresh results and field messages. */
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams || !window.FormData) return;

  function syncField(field, doc) {
    var control = field.querySelector("input, select, textarea");
    if (!control || !control.id) return;
    var fresh = doc.getElementById(control.id);
    var freshError = fresh && fresh.closest(".field") ? fresh.closest(".field").querySelector(".error") : null;
    var oldError = field.querySelector(".error");
    if (oldError) oldError.parentNode.removeChild(oldError);
    if (freshError) control.parentNode.insertBefore(document.importNode(freshError, true), control);
    ["aria-invalid", "aria-describedby"].forEach(function (name) {
      if (fresh && fresh.hasAttribute(name)) control.setAttribute(name, fresh.getAttribute(name));
      else control.removeAttribute(name);
    });
    field.classList.toggle("field-invalid", !!freshError);
  }

  document.querySelectorAll("form[data-live-results]").forEach(function (form) {
    var target = document.getElementById(form.getAttribute("data-live-results"));
    if (!target) return;
    var timer = null;
    var latest = 0;

    function update() {
      var query = new URLSearchParams(new FormData(form)).toString();
      var url = form.getAttribute("action") + "?" + query;
      var request = ++latest;
      target.setAttribute("aria-busy", "true");
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (request !== latest) return; // a newer request is on its way
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById(target.id);
          if (!fresh) return;
          target.innerHTML = fresh.innerHTML;
          form.querySelectorAll(".field").forEach(function (field) { syncField(field, doc); });
          if (window.history && history.replaceState) history.replaceState(null, "", url);
        })
        .catch(function () { /* keep the page as it is; the submit button still works */ })
        .then(function () { if (request === latest) target.removeAttribute("aria-busy"); });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 600);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  });
})();
