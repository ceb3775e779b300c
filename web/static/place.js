// "Use my position" in the place chooser: asks the browser, then posts the point as a place.
// Without JavaScript the button stays hidden and the districts, landmarks and the pin page work.
(function () {
  "use strict";

  function start(form) {
    var button = form.querySelector("[data-place-locate]");
    var chooser = form.closest("[data-testid=place-chooser]");
    var status = chooser ? chooser.querySelector("[data-place-status]") : null;
    if (!button) {
      return;
    }
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (!navigator.geolocation) {
        say(button.dataset.failed);
        return;
      }
      say(button.dataset.locating);
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.querySelector("input[name=lat]").value = position.coords.latitude.toFixed(6);
          form.querySelector("input[name=lng]").value = position.coords.longitude.toFixed(6);
          form.submit();
        },
        function () {
          button.disabled = false;
          say(button.dataset.failed);
        },
        { timeout: 10000, maximumAge: 60000 }
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-place-here]").forEach(start);
  });
})();
