// Card page: tokenise the card with Stripe.js, let the server attach it to the
// registration's PaymentIntent and confirm it, authenticate (3-D Secure) when asked.
(function () {
  "use strict";
  const form = document.getElementById("card-form");
  if (!form || typeof Stripe === "undefined") return;
  const stripe = Stripe(form.dataset.publishableKey);
  const card = stripe.elements().create("card");
  card.mount("#card-element");
  const errors = document.getElementById("card-errors");
  const button = document.getElementById("pay-button");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function fail(message) {
    errors.textContent = message || "The payment did not go through.";
    button.disabled = false;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    button.disabled = true;
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
