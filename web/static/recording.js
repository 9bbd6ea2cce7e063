// Recording-permission desk: add employee rows (without JavaScript the form has a few empty rows).
(function () {
  "use strict";
  function renumber(row, index) {
    row.querySelectorAll("[id], [for], [name], [aria-describedby]").forEach(function (el) {
      ["id", "for", "name", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/employee-\d+-/g, "employee-" + index + "-"));
      });
    });
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    row.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
    row.querySelectorAll(".weerbaar-field-error").forEach(function (slot) { slot.textContent = ""; });
    row.querySelectorAll(".utrecht-form-field--invalid").forEach(function (f) {
      f.classList.remove("utrecht-form-field--invalid");
    });
    var label = row.querySelector("label");
    if (label) label.textContent = label.textContent.replace(/\d+/, String(index + 1));
  }
  function setUp(fieldset) {
    var button = fieldset.querySelector("[data-add-employee]");
    var list = fieldset.querySelector("[data-employee-list]");
    if (!button || !list) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = list.querySelectorAll("[data-employee-row]");
      if (rows.length >= 20) return;
      var row = rows[rows.length - 1].cloneNode(true);
      renumber(row, rows.length);
      list.appendChild(row);
      row.querySelector("input").focus();
    });
  }
  function init() { document.querySelectorAll("[data-employee-rows]").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
