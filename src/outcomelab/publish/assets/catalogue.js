// Filtering and text search for the catalogue table. The table is complete without this script.
(function () {
  "use strict";
  var table = document.getElementById("catalogue");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var query = document.getElementById("q");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var status = document.getElementById("count");
  var empty = document.getElementById("empty");
  var template = JSON.parse(document.getElementById("labels").textContent).shown;

  function apply() {
    var words = query.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase() + " " + (row.dataset.outcomes || "");
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      selects.forEach(function (select) {
        var key = select.dataset.filter;
        if (!ok || !select.value) { return; }
        if (key === "primary_outcome") {
          ok = (row.dataset.outcomes || "").split(";").indexOf(select.value) !== -1;
        } else {
          ok = row.dataset[key] === select.value;
        }
      });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = template.replace("{shown}", shown).replace("{total}", rows.length);
    empty.hidden = shown !== 0;
  }
  var form = document.getElementById("filters");
  if (form) { form.addEventListener("submit", function (event) { event.preventDefault(); }); }
  query.addEventListener("input", apply);
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  apply();
})();
