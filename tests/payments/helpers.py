"""Talking to the local Stripe server as Stripe.js and a bank would."""

import hashlib
import hmac
import json
import time

import requests

CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000341"


def card_token(stripe_url: str, number: str = CARD_OK) -> str:
    """What Stripe.js's createToken gives the page: the tokenised card's id (card_…)."""
    response = requests.post(
        f"{stripe_url}/v1/tokens",
        data={
            "key": "pk_test_local",
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
        },
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["card"]["id"]


def pay_at_stripe(stripe_url: str, intent_id: str, number: str = CARD_OK) -> dict:
    """Pay an intent directly at the Stripe server (as the page would), bypassing our
    server, so only the webhook can tell us."""
    auth = ("sk_test_local", "")
    card = card_token(stripe_url, number)
    requests.post(
        f"{stripe_url}/v1/payment_intents/{intent_id}",
        data={"payment_method": card},
        auth=auth,
        timeout=5,
    ).raise_for_status()
    response = requests.post(
        f"{stripe_url}/v1/payment_intents/{intent_id}/confirm", auth=auth, timeout=5
    )
    return response.json()


def signed(
    payload: dict, secret: str = "whsec_test_secret", at: int | None = None
) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    at = at or int(time.time())
    signature = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={at},v1={signature}"


def event(event_id: str, kind: str, obj: dict) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "data": {"object": obj},
    }
