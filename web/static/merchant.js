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

  // the business chooser filters its rows as one types, as the server does for ?q=: every
  // word typed must be in one of the business's names (any language), case ignored
  function chooser() {
    var box = document.querySelector("[data-chooser]");
    if (!box) return;
    var input = box.querySelector("[data-chooser-input]");
    var rows = Array.prototype.slice.call(box.querySelectorAll("[data-chooser-row]"));
    var empty = box.querySelector("[data-chooser-empty]");
    var count = box.querySelector("[data-chooser-count]");
    var fold = function (text) { return (text.normalize ? text.normalize("NFKC") : text).toLowerCase(); };
    var names = rows.map(function (row) { return fold(row.dataset.search || ""); });
    function filter() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = words.every(function (w) { return names[i].indexOf(w) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      empty.hidden = shown > 0;
      count.textContent = words.length
        ? count.dataset.templateSome.replace("{shown}", String(shown))
        : count.dataset.templateAll;
      // the address keeps the query, so going back returns to the same list
      var url = new URL(window.location.href);
      if (words.length) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
      window.history.replaceState(null, "", url.toString());
    }
    input.addEventListener("input", filter);
    // Enter opens the only business left, as a shop assistant expects
    input.form.addEventListener("submit", function (event) {
      var left = rows.filter(function (row) { return !row.hidden; });
      if (left.length === 1) {
        event.preventDefault();
        window.location.href = left[0].querySelector("a").href;
      }
    });
  }

  function start() {
    chooser();
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
