// The listing page's map: the listing's point and, for services that travel, the area they
// serve. The point and area are vectors, so they still draw when the tile server cannot be
// reached; the page then says the background is missing instead of showing a blank box.
(function () {
  "use strict";

  var BRAND = "#ff6a00";

  function start() {
    var box = document.getElementById("listing-map");
    var source = document.getElementById("listing-map-data");
    if (!box || !source || typeof window.L === "undefined") {
      return; // no Leaflet (blocked or failed): the address above still says where it is
    }
    var data = JSON.parse(source.textContent);
    var point = [data.lat, data.lng];
    var map = window.L.map(box, {
      scrollWheelZoom: false, // scrolling the page must not zoom the map under the finger
      attributionControl: true,
    });
    var tiles = window.L.tileLayer(data.tiles, {
      attribution: data.attribution,
      maxZoom: 19,
    });
    var warned = false;
    tiles.on("tileerror", function () {
      if (warned) {
        return;
      }
      warned = true;
      box.classList.add("tiles-failed");
      var note = box.parentNode.querySelector(".map-offline");
      if (note) {
        note.hidden = false;
      }
    });
    tiles.addTo(map);

    // the view is set before any shape is added: Leaflet's renderer needs it to place them
    var area = null;
    if (data.area) {
      area = window.L.geoJSON(data.area, {
        interactive: false,
        style: { color: BRAND, weight: 2, fillColor: BRAND, fillOpacity: 0.15 },
      });
      var bounds = area.getBounds();
      bounds.extend(point);
      map.fitBounds(bounds, { padding: [16, 16] });
      area.addTo(map);
    } else {
      map.setView(point, data.zoom);
    }
    window.L.circleMarker(point, {
      radius: 9,
      color: "#ffffff",
      weight: 3,
      fillColor: BRAND,
      fillOpacity: 1,
    }).addTo(map);
    box.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
