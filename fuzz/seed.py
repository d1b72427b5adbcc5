#!/usr/bin/env python3
"""Writes starting corpora for the fuzz targets from proign's reference vectors."""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent
vectors = root.parent / "proign-testkit" / "vectors"


def rows(name):
    with open(vectors / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def header(row, *names):
    lowered = {k.lower(): v for k, v in row.get("headers", {}).items()}
    for name in names:
        if name in lowered:
            return lowered[name].encode()
    return b""


def write(target, name, data):
    folder = root / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


for row in rows("webhooks-stripe.jsonl"):
    body = row["body"].encode()
    write("stripe_signature", row["case"], header(row, "stripe-signature") + b"\0" + body)
    write("stripe_event", "stripe-" + row["case"], body)
for row in rows("webhooks-resend-svix.jsonl"):
    parts = [header(row, "svix-id", "webhook-id"), header(row, "svix-timestamp", "webhook-timestamp"),
             header(row, "svix-signature", "webhook-signature")]
    write("standard_webhooks", row["case"], b"\0".join(parts) + b"\0" + row["body"].encode())
    write("stripe_event", "resend-" + row["case"], row["body"].encode())
    write("whsec_secret", row["case"], row["secret"].encode())
for row in rows("webhooks-shopify.jsonl"):
    parts = [header(row, "x-shopify-hmac-sha256", "shopify-hmac-sha256"),
             header(row, "x-shopify-topic", "shopify-topic"),
             header(row, "x-shopify-shop-domain", "shopify-shop-domain"),
             header(row, "x-shopify-triggered-at", "shopify-triggered-at")]
    write("shopify_webhook", row["case"], b"\0".join(parts) + b"\0" + row["body"].encode())
for row in rows("shopify-oauth-hmac.jsonl"):
    write("shopify_query", row["case"], row["query"].encode())
write("track_alert", "b23", b"prgn-ups-callback-cred-7d1f0c2a\0" + json.dumps({
    "trackingNumber": "1ZPRGN000000000001", "gmtActivityDate": "20260101",
    "gmtActivityTime": "141500", "activityStatus": {"type": "I", "code": "OR"}}).encode())
