/* The merchant queues and the booking-times editor. Everything works without this script; it
 * fills the count badges, scans codes where the browser can (BarcodeDetector), shows the
 * discount reason when less than due is received, opens a picked date at once, adds and removes time rows, and refreshes the slot preview while one types. */
(function () {
  "use strict";

  function badges() {
    var list = document.querySelector("[data-queue-counts]");
    if (!list || !window.fetch) return;
    fetch(list.dataset.queueCounts, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (counts) {
        if (!counts) return;
        document.querySelectorAll("[data-queue-count]").forEach(function (badge) {
          var n = counts[badge.dataset.queueCount] || 0;
          badge.textContent = n > 99 ? "99+" : String(n);
          badge.hidden = n === 0;
        });
      })
      .catch(function () {});
  }

  function scanner() {
    var button = document.querySelector("[data-scan]");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    var box = document.querySelector("[data-scanner]");
    var video = box.querySelector("video");
    var input = document.getElementById("f-code");
    var stream = null;
    button.hidden = false;

    function stop() {
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      box.hidden = true;
    }

    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (s) {
          stream = s;
          video.srcObject = s;
          box.hidden = false;
          return video.play();
        })
        .then(function look() {
          if (!stream) return;
          detector.detect(video).then(function (found) {
            if (found.length) {
              input.value = found[0].rawValue;
              stop();
              input.form.submit();
            } else {
              window.setTimeout(look, 250);
            }
          }).catch(function () { window.setTimeout(look, 500); });
        })
        .catch(stop);
    });
    box.querySelector("[data-scan-stop]").addEventListener("click", stop);
  }

  function datePicker() {
    document.querySelectorAll("input[data-autosubmit]").forEach(function (input) {
      input.addEventListener("change", function () { if (input.value) input.form.submit(); });
    });
  }

  // rows of the editor: "+" copies the group's last row with the next free index, "×" removes
  function rows() {
    var form = document.querySelector("form[data-availability]");
    if (!form) return;
    function nextIndex(prefix) {
      var max = -1;
      form.querySelectorAll("input[name^='" + prefix + ".']").forEach(function (input) {
        var n = parseInt(input.name.split(".")[1], 10);
        if (n > max) max = n;
      });
      return max + 1;
    }
    form.querySelectorAll("[data-remove-row]").forEach(function (b) { b.hidden = false; });
    // the empty rows the page carries for use without script wait behind "+"
    form.querySelectorAll("[data-row].is-spare").forEach(function (row) { row.hidden = true; });
    form.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-remove-row]");
      if (remove) {
        var row = remove.closest("[data-row]");
        var holder = row.parentNode;
        if (holder.querySelectorAll("[data-row]:not([hidden])").length > 1) {
          row.remove();
        } else {
          row.querySelectorAll("input:not([type=hidden])").forEach(function (i) {
            if (i.type === "checkbox") i.checked = false; else i.value = "";
          });
        }
        preview();
        return;
      }
      var add = event.target.closest("[data-add-row]");
      if (!add) return;
      var rowsBox = add.parentNode.querySelector("[data-rows]");
      var waiting = rowsBox.querySelector("[data-row][hidden]");
      if (waiting) {
        waiting.hidden = false;
        var input = waiting.querySelector("input:not([type=hidden])");
        if (input) input.focus();
        return;
      }
      var last = rowsBox.querySelector("[data-row]:last-child");
      var copy = last.cloneNode(true);
      var prefix = copy.querySelector("input").name.split(".")[0];
      var index = nextIndex(prefix);
      copy.querySelectorAll("input, label, [id]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(new RegExp("(^|[^\\w])" + prefix + "([.-])\\d+"), "$1" + prefix + "$2" + index));
        });
        if (el.tagName === "INPUT" && el.type !== "hidden") {
          if (el.type === "checkbox") el.checked = false; else el.value = "";
          el.removeAttribute("aria-invalid");
        }
      });
      copy.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
      copy.querySelectorAll(".has-error").forEach(function (e) { e.classList.remove("has-error"); });
      copy.hidden = false;
      rowsBox.appendChild(copy);
      var first = copy.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    });
    form.querySelectorAll("[data-add-row]").forEach(function (b) { b.hidden = false; });

    var timer = null;
    function preview() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var body = new FormData(form);
        body.set("intent", "preview");
        fetch(form.action, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Preview": "1" } })
          .then(function (r) { return r.text(); })
          .then(function (html) {
            var holder = document.createElement("div");
            holder.innerHTML = html;
            var fresh = holder.querySelector("#preview");
            var current = document.getElementById("preview");
            if (fresh && current) current.replaceWith(fresh);
          })
          .catch(function () {});
      }, 400);
    }
    form.addEventListener("input", preview);
    form.addEventListener("change", preview);
  }

  // step two of the code box: the discount reason matters only when less than due is typed
  function received() {
    var form = document.querySelector("form[data-received-form]");
    if (!form) return;
    var input = form.querySelector("input[name=received]");
    var reason = form.querySelector("[data-discount-reason]");
    var due = parseFloat(form.dataset.due);
    function update() {
      var typed = parseFloat((input.value || "").replace(/[^\d.]/g, ""));
      var less = !isNaN(typed) && typed < due;
      // a reason already refused stays in sight
      reason.hidden = !less && !reason.classList.contains("has-error");
    }
    input.addEventListener("input", update);
    update();
  }

  function start() {
    badges();
    scanner();
    received();
    datePicker();
    rows();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
