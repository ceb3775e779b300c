// Booking and ordering pages: steppers, the address pin (Leaflet, served by the app), "use my
// location", the cart's total (quoted by the server), delivery-only fields and the hold's countdown. Everything here
// is an enhancement: the forms post and the pages read correctly without it.
(function () {
  "use strict";

  var BRAND = "#ff6a00";

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function steppers(root) {
    all(root, "[data-stepper]").forEach(function (box) {
      var input = box.querySelector("input");
      all(box, "[data-step]").forEach(function (button) {
        button.addEventListener("click", function () {
          var low = parseInt(input.min || "0", 10);
          var high = parseInt(input.max || "999", 10);
          var value = parseInt(input.value || "0", 10) || 0;
          value = Math.min(high, Math.max(low, value + parseInt(button.dataset.step, 10)));
          input.value = String(value);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        });
      });
    });
  }

  function pinMap(field) {
    var box = field.querySelector("[data-pin-map]");
    var config = field.querySelector("[data-pin-map-config]");
    var lat = field.querySelector("input[name=lat]");
    var lng = field.querySelector("input[name=lng]");
    var status = field.querySelector("[data-pin-status]");
    var locate = field.querySelector("[data-locate]");
    if (!box || !config || typeof window.L === "undefined") {
      return;
    }
    var data = JSON.parse(config.textContent);
    var map = window.L.map(box, { scrollWheelZoom: false });
    window.L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var area = data.area
      ? window.L.geoJSON(data.area, {
          interactive: false,
          style: { color: BRAND, weight: 2, fillColor: BRAND, fillOpacity: 0.12 },
        })
      : null;
    function fit() {
      map.invalidateSize();
      if (area) {
        map.fitBounds(area.getBounds(), { padding: [8, 8] });
      } else {
        map.setView([data.lat, data.lng], data.zoom);
      }
    }
    fit();
    if (area) {
      area.addTo(map);
    }
    // a map drawn while hidden (delivery not chosen yet) is sized again when it shows
    box.refit = fit;
    var marker = null;
    function place(a, b, pan) {
      lat.value = a.toFixed(6);
      lng.value = b.toFixed(6);
      if (marker) {
        marker.setLatLng([a, b]);
      } else {
        marker = window.L.circleMarker([a, b], {
          radius: 10, color: "#ffffff", weight: 3, fillColor: "#1a73e8", fillOpacity: 1,
        }).addTo(map);
      }
      if (pan) {
        map.panTo([a, b]);
      }
      status.textContent = status.dataset.set;
      box.setAttribute("data-pinned", "true");
    }
    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng, false);
    });
    if (lat.value && lng.value && !isNaN(parseFloat(lat.value))) {
      place(parseFloat(lat.value), parseFloat(lng.value), true);
    }
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        status.textContent = locate.dataset.locating;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            place(position.coords.latitude, position.coords.longitude, true);
          },
          function () {
            status.textContent = locate.dataset.failed;
          },
          { timeout: 10000, maximumAge: 60000 }
        );
      });
    }
    box.setAttribute("data-ready", "true");
  }

  // The cart's total is the server's quote (the pricing step that places the order), never
  // a sum made here: while a quote is on its way or when it fails, no total is shown.
  function cart(form) {
    var total = form.querySelector("[data-cart-total]");
    var bar = form.querySelector("[data-cart-bar]");
    var delivery = form.querySelector("[data-delivery-only]");
    var asked = 0;
    var timer = null;
    function delivering() {
      var chosen = form.querySelector("input[name=fulfilment]:checked");
      return chosen && chosen.value === "delivery";
    }
    function body() {
      var lines = [];
      all(form, "[data-offering]").forEach(function (row) {
        var input = row.querySelector("input[type=number]");
        var count = input && !input.disabled ? parseInt(input.value || "0", 10) || 0 : 0;
        if (count > 0) {
          lines.push({ offering_id: parseInt(row.dataset.offering, 10), quantity: count });
        }
      });
      var listing = form.querySelector("input[name=listing_id]");
      var chosen = form.querySelector("input[name=fulfilment]:checked");
      return {
        listing_id: parseInt(listing.value, 10),
        lines: lines,
        fulfilment: chosen ? chosen.value : "pickup",
      };
    }
    function show(text, answer) {
      total.hidden = !text;
      total.querySelector("strong").textContent = text || "";
      if (bar) {
        // the count, like the total, is the quote's: its item lines' quantities
        var count = 0;
        ((answer && answer.lines) || []).forEach(function (line) {
          if (line.kind === "item") {
            count += line.quantity;
          }
        });
        bar.hidden = !text;
        document.body.classList.toggle("has-cart-bar", !!text);
        bar.querySelector("[data-cart-count]").textContent =
          count === 1 ? bar.dataset.countOne : bar.dataset.countText.replace("{n}", String(count));
        bar.querySelector("[data-cart-bar-total]").textContent = text || "";
      }
    }
    function quote() {
      var wanted = body();
      var mine = ++asked;
      if (!wanted.lines.length) {
        show("");
        return;
      }
      var token = form.querySelector("input[name=csrf_token]");
      var headers = { "Content-Type": "application/json", Accept: "application/json" };
      if (token) {
        headers["X-CSRF-Token"] = token.value;
      }
      fetch(total.dataset.quote, {
        method: "POST",
        headers: headers,
        body: JSON.stringify(wanted),
        credentials: "same-origin",
      })
        .then(function (answer) {
          return answer.ok ? answer.json() : null;
        })
        .then(function (answer) {
          if (mine === asked) {
            show(answer ? answer.amount_due_text : "", answer);
          }
        })
        .catch(function () {
          if (mine === asked) {
            show("");
          }
        });
    }
    function update() {
      if (delivery) {
        var was = delivery.hidden;
        delivery.hidden = !delivering();
        var pin = delivery.querySelector("[data-pin-map]");
        if (was && !delivery.hidden && pin && pin.refit) {
          pin.refit();
        }
      }
      if (!total) {
        return;
      }
      // a figure for the cart as it was is wrong for the cart as it is now
      asked++;
      show("");
      window.clearTimeout(timer);
      timer = window.setTimeout(quote, 250);
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  function countdown(node) {
    var left = parseInt(node.dataset.seconds, 10);
    var clock = node.querySelector("[data-clock]");
    var started = Date.now();
    function pad(n) {
      return (n < 10 ? "0" : "") + n;
    }
    function tick() {
      var now = Math.max(0, left - Math.floor((Date.now() - started) / 1000));
      clock.textContent = pad(Math.floor(now / 60)) + ":" + pad(now % 60);
      if (now === 0) {
        // the server decides: reloading shows the hold as expired (or confirmed elsewhere)
        window.location.reload();
        return;
      }
      window.setTimeout(tick, 1000);
    }
    tick();
  }

  function start() {
    steppers(document);
    all(document, "[data-address]").forEach(pinMap);
    all(document, "[data-cart-form]").forEach(cart);
    all(document, "[data-countdown]").forEach(countdown);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
