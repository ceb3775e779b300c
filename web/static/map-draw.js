/* Maps on the merchant pages: pick a point, draw the area a service reaches.
 *
 * Plain JavaScript on top of Leaflet (served by the app; no drawing plugin). Every map is an
 * enhancement: the forms also work by typing coordinates and choosing a radius, so a page
 * stays usable when map tiles cannot load (the city's outline is drawn from our own data).
 *
 * Markup it looks for:
 *   <script type="application/json" id="map-config">{tileUrl, attribution, center, zoom, boundary}</script>
 *   <div class="js-point-map" data-lat="ID" data-lng="ID">  - click sets the two inputs
 *   <div class="js-area-map" data-input="ID" data-mode="NAME" data-radius="ID"
 *        data-lat="ID" data-lng="ID" data-count="ID">        - polygon by clicks, or a radius
 */
(function () {
  "use strict";

  var BRAND = "#ff6a00";

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  function readConfig() {
    var node = byId("map-config");
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (err) {
      return null;
    }
  }

  function baseMap(el, config) {
    var map = L.map(el, { scrollWheelZoom: false, tap: true });
    map.setView(config.center, config.zoom);
    L.tileLayer(config.tileUrl, {
      attribution: config.attribution,
      maxZoom: 19,
      subdomains: "abc",
    }).addTo(map);
    orientation(map, config);
    return map;
  }

  // The city's outline, districts and landmarks come from our own data: they show even when
  // no tile loads, so a merchant can still tell where to tap.
  function orientation(map, config) {
    if (config.boundary) {
      L.geoJSON(config.boundary, {
        interactive: false,
        style: { color: "#6b6b70", weight: 2, dashArray: "6 4", fill: false },
      }).addTo(map);
    }
    (config.districts || []).forEach(function (district) {
      L.geoJSON(district.geometry, {
        interactive: false,
        style: { color: "#9a9aa0", weight: 1, fill: false },
      }).addTo(map);
      label(map, district.label, district.name, "m-map-district");
    });
    (config.landmarks || []).forEach(function (landmark) {
      L.circleMarker(landmark.point, {
        interactive: false, radius: 3, weight: 0, fillColor: "#6b6b70", fillOpacity: 1,
      }).addTo(map);
      label(map, landmark.point, landmark.name, "m-map-landmark");
    });
  }

  function label(map, latlng, text, cls) {
    // text goes in as text, never as markup; Leaflet positions the outer box, CSS the inner
    var icon = L.divIcon({ className: "m-map-label", html: "", iconSize: [0, 0] });
    var marker = L.marker(latlng, { icon: icon, interactive: false, keyboard: false }).addTo(map);
    var inner = document.createElement("span");
    inner.className = cls;
    inner.textContent = text;
    marker.getElement().appendChild(inner);
  }

  function pointOf(latInput, lngInput) {
    if (!latInput || !lngInput) return null;
    var lat = parseFloat(latInput.value);
    var lng = parseFloat(lngInput.value);
    if (!isFinite(lat) || !isFinite(lng)) return null;
    return L.latLng(lat, lng);
  }

  function pointPicker(el, config) {
    var latInput = byId(el.dataset.lat);
    var lngInput = byId(el.dataset.lng);
    var map = baseMap(el, config);
    var marker = null;

    function place(latlng, pan) {
      if (!marker) {
        marker = L.circleMarker(latlng, {
          radius: 9,
          color: "#fff",
          weight: 3,
          fillColor: BRAND,
          fillOpacity: 1,
        }).addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) map.setView(latlng, Math.max(map.getZoom(), config.zoom));
    }

    function fromInputs() {
      var latlng = pointOf(latInput, lngInput);
      if (latlng) place(latlng, true);
    }

    map.on("click", function (event) {
      latInput.value = event.latlng.lat.toFixed(6);
      lngInput.value = event.latlng.lng.toFixed(6);
      place(event.latlng, false);
      // other maps on the page (the service area) follow the point
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
    });
    latInput.addEventListener("change", fromInputs);
    lngInput.addEventListener("change", fromInputs);
    fromInputs();
    return map;
  }

  function ringOf(value) {
    // the stored GeoJSON polygon back into editable vertices (without the closing repeat)
    if (!value) return [];
    try {
      var geometry = JSON.parse(value);
      if (geometry.type === "Feature") geometry = geometry.geometry;
      var ring = geometry.coordinates[0].slice(0, -1);
      return ring.map(function (p) {
        return L.latLng(p[1], p[0]);
      });
    } catch (err) {
      return [];
    }
  }

  function geojsonOf(vertices) {
    if (vertices.length < 3) return "";
    var ring = vertices.map(function (v) {
      return [Number(v.lng.toFixed(6)), Number(v.lat.toFixed(6))];
    });
    ring.push(ring[0]);
    return JSON.stringify({ type: "Polygon", coordinates: [ring] });
  }

  function areaDrawer(el, config) {
    var input = byId(el.dataset.input);
    var radiusInput = byId(el.dataset.radius);
    var latInput = byId(el.dataset.lat);
    var lngInput = byId(el.dataset.lng);
    var count = byId(el.dataset.count);
    var modeName = el.dataset.mode;
    var map = baseMap(el, config);
    var vertices = ringOf(input.value);
    var shape = L.layerGroup().addTo(map);
    var home = null;

    function mode() {
      var checked = document.querySelector('input[name="' + modeName + '"]:checked');
      return checked ? checked.value : "polygon";
    }

    function drawPolygon() {
      if (vertices.length >= 3) {
        L.polygon(vertices, { color: BRAND, weight: 2, fillOpacity: 0.15 }).addTo(shape);
      } else if (vertices.length === 2) {
        L.polyline(vertices, { color: BRAND, weight: 2, dashArray: "4 4" }).addTo(shape);
      }
      vertices.forEach(function (v) {
        L.circleMarker(v, { radius: 5, color: BRAND, weight: 2, fillColor: "#fff", fillOpacity: 1 })
          .addTo(shape);
      });
      input.value = geojsonOf(vertices);
      if (count) count.textContent = String(vertices.length);
    }

    function drawCircle(center) {
      var metres = parseFloat(radiusInput && radiusInput.value);
      if (center && isFinite(metres) && metres > 0) {
        var circle = L.circle(center, { radius: metres, color: BRAND, weight: 2, fillOpacity: 0.15 });
        circle.addTo(shape);
        return circle;
      }
      return null;
    }

    function redraw(fit) {
      shape.clearLayers();
      var center = pointOf(latInput, lngInput);
      if (center) {
        if (!home) {
          home = L.circleMarker(center, {
            radius: 7, color: "#fff", weight: 2, fillColor: "#1f1f1f", fillOpacity: 1,
          }).addTo(map);
        } else {
          home.setLatLng(center);
        }
      }
      var drawn = null;
      if (mode() === "radius") {
        drawn = drawCircle(center);
      } else {
        drawPolygon();
        if (vertices.length >= 3) drawn = L.polygon(vertices);
      }
      if (fit) {
        if (drawn) map.fitBounds(drawn.getBounds(), { padding: [16, 16], maxZoom: 15 });
        else if (center) map.setView(center, config.zoom);
      }
    }

    map.on("click", function (event) {
      if (mode() !== "polygon") return;
      vertices.push(event.latlng);
      redraw(false);
    });
    el.parentNode.querySelectorAll("[data-area-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (button.dataset.areaAction === "undo") vertices.pop();
        else vertices = [];
        redraw(false);
      });
    });
    document.querySelectorAll('input[name="' + modeName + '"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        redraw(true);
      });
    });
    [radiusInput, latInput, lngInput].forEach(function (node) {
      if (node) {
        node.addEventListener("input", function () { redraw(false); });
        node.addEventListener("change", function () { redraw(true); });
      }
    });
    // a map drawn while its section was hidden has no size: measure again once shown
    document.addEventListener("taocity:shown", function () {
      map.invalidateSize();
      redraw(true);
    });
    redraw(true);
    return map;
  }

  function start() {
    if (typeof L === "undefined") return; // Leaflet did not load: the typed fields still work
    var config = readConfig();
    if (!config) return;
    // shown first: Leaflet measures its box when the map is made
    document.documentElement.classList.add("has-maps");
    document.querySelectorAll(".js-point-map").forEach(function (el) {
      pointPicker(el, config);
    });
    document.querySelectorAll(".js-area-map").forEach(function (el) {
      areaDrawer(el, config);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
