// "Processing" page (the return page while the bank has not answered): ask the return
// page again in the background every few seconds, without reloading under the reader's
// feet; once it answers with a redirect (confirmed, or failed), go there.
(function () {
  "use strict";
  const waiting = document.querySelector("[data-check-again-after]");
  if (!waiting) return;
  const delay = 1000 * (Number(waiting.dataset.checkAgainAfter) || 3);
  let attempts = 40;  // then stop; the "Check again" link stays

  async function check() {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      // Load the return page for real, so that it shows its own message on arrival.
      if (response.redirected) return window.location.reload();
    } catch (e) {
      // offline for a moment: try again
    }
    if (--attempts > 0) setTimeout(check, delay);
  }
  setTimeout(check, delay);
})();

// Card page: tokenise the card with Stripe.js, let the server attach it to the
// registration's PaymentIntent and confirm it, authenticate (3-D Secure) when asked.
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") return;
  const stripe = Stripe(form.dataset.publishableKey);
  const card = stripe.elements().create("card");
  const mount = document.getElementById("card-element");
  card.mount(mount);
  labelBareInputs(mount);
  const errors = document.getElementById("card-errors");
  const button = document.getElementById("pay-button");
  const buttonLabel = button.textContent;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  // Stripe's own card field lives in a labelled iframe. Its local stand-in (development,
  // tests) mounts bare inputs named only by a placeholder: give them real names.
  function labelBareInputs(container) {
    const autocomplete = { number: "cc-number", exp_month: "cc-exp-month", exp_year: "cc-exp-year",
                           cvc: "cc-csc", postal_code: "postal-code" };
    container.querySelectorAll("input").forEach(function (input) {
      const key = input.getAttribute("placeholder");
      const name = container.dataset["label" + (key || "").replace(/^./, (c) => c.toUpperCase())];
      if (!name || input.labels.length || input.hasAttribute("aria-label")) return;
      input.setAttribute("aria-label", name);
      input.setAttribute("autocomplete", autocomplete[key] || "off");
      if (key !== "postal_code") input.setAttribute("inputmode", "numeric");
    });
  }

  function busy(on) {
    button.disabled = on;
    button.textContent = on ? form.dataset.busyLabel || buttonLabel : buttonLabel;
    form.setAttribute("aria-busy", on ? "true" : "false");
  }

  function fail(message) {
    errors.textContent = message || "The payment did not go through.";
    busy(false);
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (button.disabled) return;  // Enter pressed again while paying
    busy(true);
    errors.textContent = "";
    const tokenised = await stripe.createToken(card);
    if (tokenised.error) return fail(tokenised.error.message);
    const paymentMethod = tokenised.token.card ? tokenised.token.card.id : tokenised.token.id;
    let answer;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ payment_method: paymentMethod }),
        credentials: "same-origin",
      });
      answer = await response.json();
    } catch (e) {
      return fail("We could not reach the server. Please try again.");
    }
    if (answer.error) return fail(answer.error);
    if (answer.status === "requires_action") {
      const result = await stripe.confirmCardPayment(answer.client_secret);
      if (result.error) return fail(result.error.message);
    }
    window.location.href = answer.next || form.dataset.returnUrl;
  });
})();
