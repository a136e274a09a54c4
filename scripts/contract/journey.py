"""A supplier's and a buyer's first steps, through the Python client that openapi-python-client
generated from openapi/openapi.json (imported as `tradefair_client`, never edited).

register → verify the address → company → product → publish → operator approval → search
(polled: the indexer updates search asynchronously) → a buyer registers and sends an inquiry.

Environment (scripts/contract.sh sets it): TRADEFAIR_BASE_URL, TRADEFAIR_MAIL_DIR (the server
writes each e-mail there as `<job id>.eml` when it has no SMTP relay: the journey's mailbox),
TRADEFAIR_OPERATOR_EMAIL and TRADEFAIR_OPERATOR_PASSWORD.
Every call goes through the generated functions with `raise_on_unexpected_status`, and each
answer is checked to be the parsed model of the documented status, so an undocumented status or
a body the client cannot parse fails the journey.
"""

import email
import email.policy
import os
import pathlib
import re
import secrets
import string
import sys
import time

from tradefair_client import AuthenticatedClient, Client
from tradefair_client.api.auth import login, register, verify_email_address
from tradefair_client.api.companies import create_company
from tradefair_client.api.inquiries import create_inquiry
from tradefair_client.api.operator import approve_product
from tradefair_client.api.products import create_product, get_product, publish_product
from tradefair_client.api.search import search_products
from tradefair_client.models import (
    CompanyCreateRequest,
    CompanyCreateRequestCompanyType,
    CompanyView,
    CreatedInquiriesView,
    CreateInquiryRequest,
    DecisionRequest,
    LoginRequest,
    PriceTierRequest,
    ProductCreateRequest,
    ProductSearchResponse,
    ProductView,
    RegisterRequest,
    RegisterRequestAccountType,
    RegistrationAccepted,
    TargetRequest,
    TargetRequestType,
    TokenResponse,
)

BASE = os.environ["TRADEFAIR_BASE_URL"]
MAIL_DIR = pathlib.Path(os.environ["TRADEFAIR_MAIL_DIR"])
PASSWORD = "Lantern-Harbor-4821-py"
# A word no demo product has, so the search finds this journey's product and only it.
WORD = "pyjourney" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
# The server answers in well under a second; the bound is for a busy CI machine.
WAIT_SECS = 60


def step(text: str) -> None:
    print(f"python journey: {text}", flush=True)


def expect(parsed, model):
    assert isinstance(parsed, model), f"expected {model.__name__}, got {parsed!r}"
    return parsed


def credit_code() -> str:
    """A unified social credit code with a valid GB 32100-2015 check character."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    body = "91330206" + "".join(secrets.choice(chars) for _ in range(9))
    total = sum(chars.index(c) * w for c, w in zip(body, weights))
    return body + chars[(31 - total % 31) % 31]


def verification_token(address: str) -> str:
    """The token of the verification link in the newest e-mail to `address`."""
    deadline = time.monotonic() + WAIT_SECS
    while time.monotonic() < deadline:
        for path in sorted(MAIL_DIR.glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] != address:
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(r"/verify-address\?token=([A-Za-z0-9._-]+)", text)
            if found:
                return found.group(1)
        time.sleep(0.2)
    sys.exit(f"no verification e-mail to {address} in {MAIL_DIR} after {WAIT_SECS}s")


def sign_up(account_type: str) -> AuthenticatedClient:
    """Registers, verifies the address from the e-mail, signs in."""
    anonymous = Client(base_url=BASE, raise_on_unexpected_status=True)
    address = f"{account_type}-{secrets.token_hex(6)}@example.com"
    expect(
        register.sync(
            client=anonymous,
            body=RegisterRequest(
                email=address,
                password=PASSWORD,
                display_name=f"测试 {account_type}",
                account_type=RegisterRequestAccountType(account_type),
                # Required once the operator has published terms (the demo has).
                accept_terms=True,
            ),
        ),
        RegistrationAccepted,
    )
    verified = verify_email_address.sync_detailed(client=anonymous, token=verification_token(address))
    assert verified.status_code == 200, verified
    return signed_in(address, PASSWORD)


def signed_in(address: str, password: str) -> AuthenticatedClient:
    anonymous = Client(base_url=BASE, raise_on_unexpected_status=True)
    tokens = expect(
        login.sync(client=anonymous, body=LoginRequest(email=address, password=password)),
        TokenResponse,
    )
    return AuthenticatedClient(base_url=BASE, token=tokens.access_token, raise_on_unexpected_status=True)


def main() -> None:
    started = time.monotonic()
    step("a supplier registers")
    supplier = sign_up("supplier")

    step("the supplier creates a company")
    company = expect(
        create_company.sync(
            client=supplier,
            body=CompanyCreateRequest(
                legal_name="宁波契约测试五金有限公司",
                english_name="Ningbo Contract Test Hardware Co., Ltd.",
                credit_code=credit_code(),
                legal_representative="王建国",
                registered_address="浙江省宁波市北仑区小港街道纬三路58号",
                province="浙江省",
                city="宁波市",
                business_scope="五金制品制造、销售；货物进出口",
                company_type=CompanyCreateRequestCompanyType.MANUFACTURER,
            ),
        ),
        CompanyView,
    )

    step("the supplier creates a product")
    product = expect(
        create_product.sync(
            company.id,
            client=supplier,
            body=ProductCreateRequest(
                title_zh=f"不锈钢保温杯 {WORD}",
                title_en=f"Stainless steel vacuum flask {WORD}",
                category_id="home-goods.drinkware",
                unit="piece",
                moq=100,
                currency="CNY",
                price_tiers=[
                    PriceTierRequest(min_quantity=100, unit_price="49.90"),
                    PriceTierRequest(min_quantity=1000, unit_price="42.50"),
                ],
                keywords=[WORD],
            ),
        ),
        ProductView,
    )
    assert product.status == "draft", product.status
    assert product.price_tiers[0].unit_price_minor == 4990, product.price_tiers

    step("the supplier publishes it (an unverified company's product goes to review)")
    pending = expect(publish_product.sync(product.id, client=supplier), ProductView)
    assert pending.status == "pending_review", pending.status

    step("the operator approves it")
    operator = signed_in(os.environ["TRADEFAIR_OPERATOR_EMAIL"], os.environ["TRADEFAIR_OPERATOR_PASSWORD"])
    approved = expect(approve_product.sync(product.id, client=operator, body=DecisionRequest()), ProductView)
    assert approved.status == "published", approved.status
    public = expect(get_product.sync(product.id, client=Client(base_url=BASE, raise_on_unexpected_status=True)), ProductView)
    assert public.id == product.id

    step(f"search finds it (the indexer is asynchronous: polled up to {WAIT_SECS}s)")
    anonymous = Client(base_url=BASE, raise_on_unexpected_status=True)
    deadline = time.monotonic() + WAIT_SECS
    while True:
        found = expect(search_products.sync(client=anonymous, q=WORD), ProductSearchResponse)
        if any(hit.id == str(product.id) for hit in found.items):
            break
        if time.monotonic() > deadline:
            sys.exit(f"search for {WORD} did not find product {product.id} within {WAIT_SECS}s")
        time.sleep(0.25)
    hit = next(hit for hit in found.items if hit.id == str(product.id))
    assert hit.company.id == str(company.id), hit.company

    step("a buyer registers and sends an inquiry")
    buyer = sign_up("buyer")
    created = expect(
        create_inquiry.sync(
            client=buyer,
            body=CreateInquiryRequest(
                subject=f"Quotation for {WORD}",
                message="Please quote 5000 pcs, printed logo, FOB Ningbo.",
                quantity=5000,
                unit="piece",
                targets=[TargetRequest(type_=TargetRequestType.PRODUCT, id=str(product.id))],
            ),
        ),
        CreatedInquiriesView,
    )
    assert len(created.threads) == 1, created.threads
    step(f"done in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
