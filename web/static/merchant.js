/* Small helpers for the merchant pages (商家中心). Every form works without them; they only
 * hide what does not apply, copy opening hours across days and ask before drastic actions. */
(function () {
  "use strict";

  // <section data-show-when="ID ID ..."> is shown while any of those checkboxes is ticked
  // (or always when the attribute is empty: housekeeping always travels).
  function toggles() {
    var sections = document.querySelectorAll("[data-show-when]");
    sections.forEach(function (section) {
      var ids = section.dataset.showWhen.split(/\s+/).filter(Boolean);
      var boxes = ids.map(function (id) { return document.getElementById(id); }).filter(Boolean);
      if (!boxes.length) return;
      function update() {
        var wasHidden = section.hidden;
        section.hidden = !boxes.some(function (box) { return box.checked; });
        if (wasHidden && !section.hidden) {
          document.dispatchEvent(new CustomEvent("taocity:shown"));
        }
      }
      boxes.forEach(function (box) { box.addEventListener("change", update); });
      update();
    });
  }

  // the radius input and the drawing tools swap places with the mode radios
  function areaModes() {
    document.querySelectorAll("[data-area-mode-for]").forEach(function (part) {
      var name = part.dataset.areaModeName;
      var wanted = part.dataset.areaModeFor;
      var radios = document.querySelectorAll('input[name="' + name + '"]');
      function update() {
        var checked = document.querySelector('input[name="' + name + '"]:checked');
        part.hidden = (checked ? checked.value : "polygon") !== wanted;
      }
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    });
  }

  function copyHours() {
    document.querySelectorAll("[data-copy-hours]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var inputs = document.querySelectorAll("input[data-hours-day]");
        if (!inputs.length) return;
        var first = inputs[0].value;
        inputs.forEach(function (input) { input.value = first; });
      });
    });
  }

  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  function start() {
    toggles();
    areaModes();
    copyHours();
    confirmations();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
