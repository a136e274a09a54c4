#!/usr/bin/env python3
"""Freshness under load: the time from a publish request returning to the product being found
by the search endpoint, while another process keeps the search endpoint busy.

Usage: freshness.py BASE_URL SUPPLIER_EMAIL PASSWORD [COUNT]
Prints p50/p90/p99/max in milliseconds. Each product carries a unique made-up word in its title
(one letter-only token, so the analyzer keeps it whole) and is searched for by that word.
"""
import json
import random
import string
import sys
import time
import urllib.parse
import urllib.request


def call(method, url, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=10) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def main():
    base, email, password = sys.argv[1], sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    api = base + "/api/v1"
    token = call("POST", api + "/auth/login", body={"email": email, "password": password})["access_token"]
    company = call("GET", api + "/me", token)["company"]["company_id"]
    rng = random.Random(20261122)
    samples = []
    for i in range(count):
        word = "zq" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
        product = call("POST", f"{api}/companies/{company}/products", token, {
            "title_en": f"Freshness probe {word}",
            "category_id": "home-goods.drinkware",
            "unit": "piece",
            "price_on_request": True,
        })
        call("POST", f"{api}/products/{product['id']}/publish", token, {})
        returned = time.perf_counter()
        query = urllib.parse.urlencode({"q": word})
        while True:
            hits = call("GET", f"{api}/search/products?{query}")
            if any(item["id"] == product["id"] for item in hits["items"]):
                break
            if time.perf_counter() - returned > 10:
                print(f"probe {i} not searchable after 10 s", file=sys.stderr)
                sys.exit(1)
            time.sleep(0.002)
        samples.append((time.perf_counter() - returned) * 1000)
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    print(f"freshness over {count} publishes: p50 {pick(0.5):.0f} ms, p90 {pick(0.9):.0f} ms, "
          f"p99 {pick(0.99):.0f} ms, max {samples[-1]:.0f} ms")


main()
