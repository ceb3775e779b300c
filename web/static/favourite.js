// The heart (收藏) on cards and listing pages: the form posts without JavaScript; here it is sent
// through the JSON API instead so the page stays where it is. A guest (401) or any failure falls
// back to the plain form, which sends a guest to sign in and brings them back.
(function () {
  "use strict";

  function update(form, body) {
    var button = form.querySelector(".heart");
    var wanted = form.querySelector('input[name="saved"]');
    button.classList.toggle("is-saved", body.saved);
    button.setAttribute("aria-pressed", body.saved ? "true" : "false");
    button.setAttribute(
      "aria-label",
      button.getAttribute(body.saved ? "data-label-saved" : "data-label-save")
    );
    wanted.value = body.saved ? "0" : "1";
    var count = form.querySelector(".heart-count");
    if (count && typeof body.count === "number") {
      count.textContent = String(body.count);
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("heart-form") || !window.fetch) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("data-busy")) {
      return;
    }
    form.setAttribute("data-busy", "1");
    var save = form.querySelector('input[name="saved"]').value !== "0";
    var token = form.querySelector('input[name="csrf_token"]').value;
    var url = "/api/v1/listings/" + form.getAttribute("data-listing") + "/favourite";
    fetch(url, {
      method: save ? "PUT" : "DELETE",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": token },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (body) {
        form.removeAttribute("data-busy");
        update(form, body);
      })
      .catch(function () {
        form.removeAttribute("data-busy");
        form.submit();
      });
  });
})();
