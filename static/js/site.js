/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  // Sort the food table in place when a column header is chosen.
  var table = document.getElementById("food-table");
  if (table) {
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, index) {
      var link = th.querySelector("a");
      if (!link) return;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.classList.contains("num");
        rows.sort(function (a, b) {
          var x = a.cells[index], y = b.cells[index];
          if (!numeric) return x.textContent.localeCompare(y.textContent);
          var vx = parseFloat(x.dataset.value), vy = parseFloat(y.dataset.value);
          if (isNaN(vx)) return isNaN(vy) ? 0 : 1;
          if (isNaN(vy)) return -1;
          return vy - vx;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", numeric ? "descending" : "ascending");
        var caption = table.querySelector("caption");
        if (caption) caption.textContent = "Electrolytes per serving, sorted by " + link.textContent.split(" ")[0].toLowerCase();
        if (window.history && history.replaceState) history.replaceState(null, "", link.getAttribute("href"));
      });
    });
  }
})();
