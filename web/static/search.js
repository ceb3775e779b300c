// The results page: numbered pins matching the list, the 列表/地图 switch on phones, "use my
// location" with a place picker when the browser will not tell, and suggestions as you type.
// Everything here only improves a page that already works as plain links and forms.
(function () {
  "use strict";

  var DEBOUNCE_MS = 180;

  function goWith(changes) {
    var url = new URL(window.location.href);
    Object.keys(changes).forEach(function (key) {
      url.searchParams.set(key, changes[key]);
    });
    url.searchParams.delete("page");
    window.location.assign(url.toString());
  }

  function startMap() {
    var box = document.getElementById("search-map");
    var source = document.getElementById("search-map-data");
    if (!box || !source || typeof window.L === "undefined") {
      return null;
    }
    var data = JSON.parse(source.textContent);
    var map = window.L.map(box, { scrollWheelZoom: false });
    map.setView([data.center.lat, data.center.lng], data.zoom);
    var tiles = window.L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 19 });
    tiles.on("tileerror", function () {
      // pins are vectors and still draw; say why the background is empty
      box.classList.add("tiles-failed");
      var note = box.parentNode.querySelector(".map-offline");
      if (note) {
        note.hidden = false;
      }
    });
    tiles.addTo(map);
    var points = [];
    data.pins.forEach(function (pin) {
      var icon = window.L.divIcon({
        className: "pin",
        html: "<span>" + pin.n + "</span>",
        iconSize: [28, 28],
        iconAnchor: [14, 28],
      });
      var marker = window.L.marker([pin.lat, pin.lng], { icon: icon, title: pin.name });
      marker.on("click", function () {
        highlight(pin.id);
      });
      marker.addTo(map);
      points.push([pin.lat, pin.lng]);
    });
    if (data.origin) {
      window.L.circleMarker([data.origin.lat, data.origin.lng], {
        radius: 7, color: "#ffffff", weight: 2, fillColor: "#1e6ff2", fillOpacity: 1,
      }).addTo(map);
      points.push([data.origin.lat, data.origin.lng]);
    }
    function fit() {
      if (points.length > 1) {
        map.fitBounds(points, { padding: [32, 32], maxZoom: 16 });
      } else if (points.length === 1) {
        map.setView(points[0], 15);
      }
    }
    fit();
    map.refit = fit;
    return map;
  }

  function highlight(id) {
    document.querySelectorAll(".result.highlight").forEach(function (el) {
      el.classList.remove("highlight");
    });
    var card = document.getElementById("hit-" + id);
    if (card) {
      card.classList.add("highlight");
      card.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  function startSwitch(map) {
    var results = document.querySelector(".results");
    document.querySelectorAll(".view-btn").forEach(function (button) {
      button.addEventListener("click", function () {
        results.setAttribute("data-view", button.getAttribute("data-view"));
        document.querySelectorAll(".view-btn").forEach(function (b) {
          b.classList.toggle("active", b === button);
        });
        if (map) {
          // the map was hidden when it was fitted: Leaflet must measure it and fit again
          map.invalidateSize();
          map.refit();
        }
      });
    });
  }

  function startLocate() {
    var button = document.querySelector(".locate-btn");
    var picker = document.querySelector(".place-picker");
    var status = document.querySelector(".locate-status");
    var select = document.getElementById("place-select");
    if (!button || !picker) {
      return;
    }
    function offerPicker(message) {
      picker.hidden = false;
      status.textContent = message;
    }
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        offerPicker(button.getAttribute("data-failed") || "");
        return;
      }
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          goWith({ lat: pos.coords.latitude.toFixed(5), lng: pos.coords.longitude.toFixed(5) });
        },
        function () {
          offerPicker("");
        },
        { timeout: 8000, maximumAge: 600000 }
      );
    });
    select.addEventListener("change", function () {
      if (!select.value) {
        return;
      }
      var parts = select.value.split(",");
      goWith({ lat: parts[0], lng: parts[1] });
    });
  }

  function startSuggest() {
    var input = document.getElementById("search-q");
    var list = document.getElementById("suggestions");
    if (!input || !list) {
      return;
    }
    var timer = null;
    var latest = 0;
    function show(items) {
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.text;
        link.className = "suggestion suggestion-" + item.kind;
        li.appendChild(link);
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var text = input.value.trim();
      if (!text) {
        show([]);
        return;
      }
      timer = window.setTimeout(function () {
        var ticket = ++latest;
        var here = new URL(window.location.href);
        var url = new URL("/api/v1/suggest", window.location.origin);
        url.searchParams.set("q", text);
        ["lat", "lng"].forEach(function (k) {
          if (here.searchParams.get(k)) {
            url.searchParams.set(k, here.searchParams.get(k));
          }
        });
        fetch(url.toString(), { headers: { Accept: "application/json" } })
          .then(function (r) {
            return r.ok ? r.json() : { suggestions: [] };
          })
          .then(function (body) {
            if (ticket === latest) {
              show(body.suggestions); // an older, slower answer must not replace a newer one
            }
          })
          .catch(function () {
            show([]);
          });
      }, DEBOUNCE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        show([]);
      }
    });
    document.addEventListener("click", function (event) {
      if (!list.contains(event.target) && event.target !== input) {
        list.hidden = true;
      }
    });
  }

  function start() {
    var map = startMap();
    startSwitch(map);
    startLocate();
    startSuggest();
    var sort = document.getElementById("search-sort");
    if (sort) {
      sort.addEventListener("change", function () {
        goWith({ sort: sort.value });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
