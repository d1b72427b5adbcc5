#!/usr/bin/env python3
"""Writes starting corpora for the fuzz targets from proign's reference vectors."""
import json
import pathlib

root = pathlib.Path(__file__).resolve().parent
# The shared reference vectors next to the repository when present, else the copy in testkit.
vectors = root.parent.parent / "shared" / "vectors"
if not vectors.is_dir():
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
             header(row, "svix-signature"), header(row, "webhook-signature")]
    write("standard_webhooks", row["case"], b"\0".join(parts) + b"\0" + row["body"].encode())
    write("stripe_event", "resend-" + row["case"], row["body"].encode())
    write("core_headers", "secret-" + row["case"], b"\0" * 5 + row["secret"].encode())
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


# The shared header helpers: the Standard Webhooks headers under both names, then the body.
for row in rows("webhooks-resend-svix.jsonl"):
    parts = [header(row, "webhook-id"), header(row, "svix-id"),
             header(row, "webhook-timestamp"), header(row, "svix-timestamp"), b""]
    write("core_headers", row["case"], b"\0".join(parts) + b"\0" + header(row, "svix-id", "webhook-id"))
for row in rows("webhooks-stripe.jsonl"):
    write("core_headers", "stripe-" + row["case"],
          b"\0\0\0\0" + header(row, "stripe-signature") + b"\0" + row["body"][:64].encode())

# Retry-After: two status bytes (the status minus 100), then the value.
for name, status, value in [
        ("seconds", 429, "120"), ("fraction", 503, "1.5"), ("huge", 429, "9" * 30),
        ("imf", 503, "Thu, 01 Jan 2026 00:00:30 GMT"), ("rfc850", 429, "Thursday, 01-Jan-26 00:00:30 GMT"),
        ("asctime", 503, "Thu Jan  1 00:00:30 2026"), ("word", 500, "soon"),
        ("json", 402, '{"error":{"code":"card_declined","message":"declined","param":"card"}}')]:
    write("retry_after", name, (status - 100).to_bytes(2, "big") + value.encode())


def response(target, name, selector, status, body, headers=b"content-type: application/json"):
    """selector byte, status (minus 100) in two bytes, header lines, NUL, body"""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    write(target, name, bytes([selector]) + (status - 100).to_bytes(2, "big") + headers + b"\0" + body)


# Stripe: the objects inside the signed events, the events themselves, lists and errors.
for row in rows("webhooks-stripe.jsonl"):
    try:
        event = json.loads(row["body"])
    except ValueError:
        continue
    response("stripe_response", "event-" + row["case"], 8, 200, event)
    obj = event.get("data", {}).get("object") if isinstance(event, dict) else None
    if isinstance(obj, dict):
        kind = {"customer": 0, "payment_intent": 1, "invoice": 2, "subscription": 3,
                "refund": 4}.get(obj.get("object"), 0)
        response("stripe_response", "object-" + row["case"], kind, 200, obj)
        response("stripe_response", "list-" + row["case"], 6, 200,
                 {"object": "list", "data": [obj], "has_more": False, "url": "/v1/x"})
response("stripe_response", "deleted", 5, 200, {"id": "cus_1", "object": "customer", "deleted": True})
response("stripe_response", "search", 7, 200,
         {"object": "search_result", "data": [], "has_more": True, "next_page": "p2", "url": "/v1/x"})
response("stripe_response", "card-error", 1, 402, {"error": {
    "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
    "message": "Your card has insufficient funds.", "param": "payment_method"}})
response("stripe_response", "idempotency", 1, 409, {"error": {
    "type": "idempotency_error", "code": "idempotency_key_in_use", "message": "in use"}},
    b"content-type: application/json\nstripe-should-retry: true\nretry-after: 1")
response("stripe_response", "rate-limited", 0, 429, {"error": {"type": "invalid_request_error",
    "code": "rate_limit", "message": "slow down"}}, b"retry-after: 2")
response("stripe_response", "html", 0, 502, "<html><body>Bad gateway</body></html>", b"content-type: text/html")

# Shopify Admin GraphQL: data, user errors, top-level errors, throttling.
cost = {"requestedQueryCost": 12, "actualQueryCost": 10,
        "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1990, "restoreRate": 100.0}}
money = {"amount": "10.00", "currencyCode": "USD"}
order = {"id": "gid://shopify/Order/1", "name": "#1001", "email": "buyer@example.test",
         "createdAt": "2026-01-01T00:00:00Z", "displayFinancialStatus": "PAID",
         "displayFulfillmentStatus": "UNFULFILLED",
         "currentTotalPriceSet": {"shopMoney": money, "presentmentMoney": money},
         "lineItems": {"nodes": [{"id": "gid://shopify/LineItem/1", "title": "Mug", "quantity": 1,
                                   "sku": "MUG-1"}]}}
page_info = {"hasNextPage": True, "endCursor": "abc"}
response("shopify_response", "shop", 0, 200, {"data": {"shop": {
    "name": "Fuzz", "myshopifyDomain": "fuzz.myshopify.com", "currencyCode": "USD",
    "ianaTimezone": "UTC", "email": "owner@example.test"}}, "extensions": {"cost": cost}})
response("shopify_response", "order", 1, 200, {"data": {"order": order}, "extensions": {"cost": cost}})
response("shopify_response", "orders", 2, 200,
         {"data": {"orders": {"nodes": [order], "pageInfo": page_info}}, "extensions": {"cost": cost}})
response("shopify_response", "products", 4, 200, {"data": {"products": {"nodes": [
    {"id": "gid://shopify/Product/1", "title": "Mug", "handle": "mug", "status": "ACTIVE",
     "variants": {"nodes": [{"id": "gid://shopify/ProductVariant/1", "sku": "MUG-1", "price": "10.00",
                             "inventoryItem": {"id": "gid://shopify/InventoryItem/1"}}]}}],
    "pageInfo": page_info}}})
response("shopify_response", "user-errors", 6, 200, {"data": {"inventoryAdjustQuantities": {
    "inventoryAdjustmentGroup": None, "userErrors": [{"field": ["input", "changes"], "message": "bad",
                                                       "code": "INVALID"}]}}})
response("shopify_response", "throttled", 0, 200, {"errors": [{"message": "Throttled",
    "extensions": {"code": "THROTTLED"}}], "extensions": {"cost": {
    "requestedQueryCost": 500, "actualQueryCost": None, "throttleStatus": {
        "maximumAvailable": 1000.0, "currentlyAvailable": 3, "restoreRate": 50.0}}}})
response("shopify_response", "errors", 12, 200, {"errors": [{"message": "Field 'x' doesn't exist",
    "locations": [{"line": 1, "column": 3}], "path": ["shop", "x"]}], "data": None})
response("shopify_response", "token", 10, 200, {"access_token": "shpat_x", "scope": "read_orders,write_orders"})
response("shopify_response", "online-token", 11, 200, {"access_token": "shpat_x", "scope": "read_orders",
    "expires_in": 86399, "associated_user_scope": "read_orders", "associated_user": {"id": 1, "email": "a@example.test"}})
response("shopify_response", "token-error", 10, 400, {"error": "invalid_request",
    "error_description": "The authorization code was not found or was already used"})
response("shopify_response", "unauthorized", 0, 401, {"errors": "[API] Invalid API key or access token"})
response("shopify_response", "retry", 8, 429, "", b"retry-after: 2.0")

# UPS: tracking, address validation, voids, subscriptions, errors, and the token answer.
response("ups_response", "track", 0, 200, {"trackResponse": {"shipment": [{"package": [{
    "trackingNumber": "1ZPRGN000000000001", "currentStatus": {"code": "011", "description": "Delivered"},
    "deliveryDate": [{"type": "DEL", "date": "20260102"}],
    "activity": [{"date": "20260102", "time": "101500", "status": {"type": "D", "code": "KB",
                                                                  "description": "Delivered"},
                  "location": {"address": {"city": "Springfield", "countryCode": "US"}}}]}]}]}})
response("ups_response", "address", 1, 200, {"XAVResponse": {"Response": {"ResponseStatus": {
    "Code": "1", "Description": "Success"}}, "ValidAddressIndicator": "",
    "Candidate": [{"AddressKeyFormat": {"AddressLine": ["1 MAIN ST"], "PoliticalDivision2": "SPRINGFIELD",
                                        "PoliticalDivision1": "IL", "PostcodePrimaryLow": "62701",
                                        "CountryCode": "US"}}]}})
response("ups_response", "void", 2, 200, {"VoidShipmentResponse": {"Response": {"ResponseStatus": {
    "Code": "1", "Description": "Success"}}, "SummaryResult": {"Status": {"Code": "1", "Description": "Voided"}}}})
response("ups_response", "subscribe", 4, 200, {"validTrackingNumbers": ["1ZPRGN000000000001"],
                                               "invalidTrackingNumbers": []})
response("ups_response", "error", 0, 400, {"response": {"errors": [{"code": "250002",
                                                                   "message": "Invalid Authentication Information."}]}})
response("ups_response", "token-error", 0x80, 401, {"response": {"errors": [{"code": "10401",
                                                                           "message": "ClientId is Invalid"}]}})
response("ups_response", "token", 0x80, 200, {"access_token": "x", "token_type": "Bearer",
                                              "expires_in": "14399", "status": "approved"})

# TaxJar: the documented answers and errors.
response("taxjar_response", "tax", 0, 200, {"tax": {"order_total_amount": 16.5, "shipping": 1.5,
    "taxable_amount": 15.0, "amount_to_collect": 1.35, "rate": 0.09, "has_nexus": True,
    "freight_taxable": False, "tax_source": "destination",
    "jurisdictions": {"country": "US", "state": "CA", "county": "LOS ANGELES", "city": "LOS ANGELES"},
    "breakdown": {"taxable_amount": 15.0, "tax_collectable": 1.35, "combined_tax_rate": 0.09,
                  "line_items": [{"id": "1", "taxable_amount": 15.0, "tax_collectable": 1.35,
                                  "combined_tax_rate": 0.09}]}}})
response("taxjar_response", "rate", 1, 200, {"rate": {"zip": "90002", "state": "CA", "state_rate": "0.0625",
    "county": "LOS ANGELES", "county_rate": "0.01", "city": "WATTS", "city_rate": "0.0",
    "combined_district_rate": "0.025", "combined_rate": "0.0975", "freight_taxable": False}})
response("taxjar_response", "regions", 2, 200, {"regions": [{"country_code": "US", "country": "United States",
                                                             "region_code": "CA", "region": "California"}]})
response("taxjar_response", "vat", 4, 200, {"validation": {"valid": True, "exists": True, "vies_available": True,
    "vies_response": {"country_code": "FR", "vat_number": "40303265045", "valid": True, "name": "x"}}})
response("taxjar_response", "summary", 6, 200, {"summary_rates": [{"country_code": "US", "country": "United States",
    "region_code": "CA", "region": "California", "minimum_rate": {"label": "State Tax", "rate": 0.065},
    "average_rate": {"label": "Tax", "rate": 0.0827}}]})
response("taxjar_response", "order", 7, 200, {"order": {"transaction_id": "1", "user_id": 1,
    "transaction_date": "2026-01-01T00:00:00.000Z", "to_country": "US", "amount": "16.5",
    "shipping": "1.5", "sales_tax": "0.95", "line_items": [{"id": "1", "quantity": 1,
                                                            "unit_price": "15.0", "sales_tax": "0.95"}]}})
response("taxjar_response", "error", 0, 400, {"error": "Bad Request", "detail": "No to zip, required when country is US",
                                               "status": 400})
for row in rows("requests-taxjar.jsonl"):
    if row.get("body"):
        response("taxjar_response", "request-" + str(row["seq"]), row["seq"], 200, row["body"])

# Resend: sent ids, batches, one email, errors.
response("resend_response", "sent", 0, 200, {"id": "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"})
response("resend_response", "batch", 1, 200, {"data": [{"id": "ae2014de-c168-4c61-8267-70d2662a1ce1"}],
                                              "errors": [{"index": 1, "message": "bad to"}]})
response("resend_response", "email", 2, 200, {"object": "email", "id": "em_1", "to": ["a@example.test"],
    "from": "Shop <shop@example.test>", "created_at": "2026-01-01 00:00:00.000000+00",
    "subject": "Receipt", "last_event": "delivered", "scheduled_at": None})
response("resend_response", "error", 0, 422, {"statusCode": 422, "name": "validation_error",
                                              "message": "Invalid `to` field."})
response("resend_response", "limited", 0, 429, {"statusCode": 429, "name": "rate_limit_exceeded",
    "message": "Too many requests."}, b"content-type: application/json\nretry-after: 1")

# Turnstile siteverify outcomes.
response("turnstile_response", "success", 1, 200, {"success": True, "challenge_ts": "2026-01-01T00:00:00.000Z",
    "hostname": "shop.example", "error-codes": [], "action": "checkout", "cdata": "session-1"})
response("turnstile_response", "invalid", 0, 200, {"success": False, "error-codes": ["invalid-input-response"]})
response("turnstile_response", "duplicate", 0, 200, {"success": False, "error-codes": ["timeout-or-duplicate"]})
response("turnstile_response", "internal", 0, 200, {"success": False, "error-codes": ["internal-error"]})

# The Turnstile extractor: an incoming form post or a header carrying the token.
response("turnstile_response", "form", 2, 200, "email=a%40example.test&cf-turnstile-response=tok",
         b"content-type: application/x-www-form-urlencoded")
response("turnstile_response", "header", 3, 200, '{"success":true,"hostname":"shop.example","action":"checkout"}',
         b"content-type: application/json\ncf-turnstile-response: tok")
