// Checkout: the pay button says what the chosen way to pay does ("pay ¥120.00" or "confirm,
// pay at the store"). The form posts the same without it.
(function () {
  "use strict";

  function start() {
    var button = document.querySelector("[data-pay-button]");
    if (!button) {
      return;
    }
    Array.prototype.forEach.call(
      document.querySelectorAll("input[name=method][data-button]"),
      function (input) {
        input.addEventListener("change", function () {
          if (input.checked) {
            button.textContent = input.dataset.button;
          }
        });
      }
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
