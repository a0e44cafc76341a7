/* Search suggestions as you type: an enhancement only; the form works without it.
   Fetches up to eight matching titles from /search/suggest/?q= and offers them
   through a native <datalist>, so keyboards and screen readers get the
   browser's own suggestion list. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form || !window.fetch) return;
  var input = form.querySelector("input[type=search]");
  var url = form.getAttribute("data-suggest-url");
  var list = document.createElement("datalist");
  list.id = "search-suggestions";
  form.appendChild(list);
  input.setAttribute("list", list.id);

  var timer = null;
  var last = "";
  var controller = null;

  function show(suggestions) {
    while (list.firstChild) list.removeChild(list.firstChild);
    suggestions.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.title;
      list.appendChild(option);
    });
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query === last) return;
    last = query;
    if (query.length < 2) { show([]); return; }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(url + "?q=" + encodeURIComponent(query), {
      headers: { "Accept": "application/json" },
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : { suggestions: [] };
    }).then(function (data) {
      if (input.value.trim() === query) show(data.suggestions || []);
    }).catch(function () { /* offline or aborted: keep the plain form */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
})();
