// A supplier's and a buyer's first steps, through a TypeScript client: the types that
// openapi-typescript generated from openapi/openapi.json (`./tradefair.js`, never edited) and
// openapi-fetch, which sends requests typed by them. scripts/contract.sh type-checks this file
// against the generated types with `tsc --strict` (a path, parameter or body the document does
// not describe fails there) and runs it with node.
//
// register → verify the address → company → product → publish → operator approval → search
// (polled: the indexer updates search asynchronously) → a buyer registers and sends an inquiry.
//
// Environment: TRADEFAIR_BASE_URL, TRADEFAIR_MAIL_DIR (the server writes each e-mail there as
// `<job id>.eml` when it has no SMTP relay: the journey's mailbox), TRADEFAIR_OPERATOR_EMAIL,
// TRADEFAIR_OPERATOR_PASSWORD.

import { randomBytes, randomInt } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import createClient from "openapi-fetch";
import type { paths } from "./tradefair.js";

const BASE = env("TRADEFAIR_BASE_URL");
const MAIL_DIR = env("TRADEFAIR_MAIL_DIR");
const PASSWORD = "Lantern-Harbor-4821-ts";
// A word no demo product has, so the search finds this journey's product and only it.
const WORD = "tsjourney" + Array.from({ length: 8 }, () => "abcdefghijklmnopqrstuvwxyz"[randomInt(26)]).join("");
// The server answers in well under a second; the bound is for a busy CI machine.
const WAIT_MS = 60_000;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

function step(text: string): void {
  console.log(`typescript journey: ${text}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The answer's parsed body when its status is the one expected; otherwise the status and body.
function ok<T>(result: { data?: T; error?: unknown; response: Response }, status: number): T {
  if (result.response.status !== status || result.data === undefined) {
    throw new Error(
      `${result.response.url}: expected ${status}, got ${result.response.status} ${JSON.stringify(result.error)}`,
    );
  }
  return result.data;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

// A unified social credit code with a valid GB 32100-2015 check character.
function creditCode(): string {
  const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let body = "91330206";
  for (let i = 0; i < 9; i++) body += chars[randomInt(chars.length)];
  const total = [...body].reduce((sum, c, i) => sum + chars.indexOf(c) * weights[i], 0);
  return body + chars[(31 - (total % 31)) % 31];
}

// The token of the verification link in the newest e-mail to `address`: the server writes each
// message as MIME with a base64 text part.
async function verificationToken(address: string): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    for (const name of readdirSync(MAIL_DIR).filter((n) => n.endsWith(".eml")).sort().reverse()) {
      const raw = readFileSync(join(MAIL_DIR, name), "utf8");
      if (!new RegExp(`^To: ${address.replace(/[.+]/g, "\\$&")}\\r?$`, "m").test(raw)) continue;
      const parts = [...raw.matchAll(/Content-Transfer-Encoding: base64\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/g)];
      for (const part of parts) {
        const text = Buffer.from(part[1], "base64").toString("utf8");
        const found = /\/verify-address\?token=([A-Za-z0-9._-]+)/.exec(text);
        if (found) return found[1];
      }
    }
    await sleep(200);
  }
  throw new Error(`no verification e-mail to ${address} in ${MAIL_DIR} after ${WAIT_MS} ms`);
}

const anonymous = createClient<paths>({ baseUrl: BASE });

function as(token: string) {
  return createClient<paths>({ baseUrl: BASE, headers: { Authorization: `Bearer ${token}` } });
}

async function signedIn(email: string, password: string) {
  const tokens = ok(await anonymous.POST("/api/v1/auth/login", { body: { email, password } }), 200);
  return as(tokens.access_token);
}

// Registers, verifies the address from the e-mail, signs in.
async function signUp(accountType: "buyer" | "supplier") {
  const email = `${accountType}-${randomBytes(6).toString("hex")}@example.com`;
  ok(
    await anonymous.POST("/api/v1/auth/register", {
      body: {
        email,
        password: PASSWORD,
        display_name: `测试 ${accountType}`,
        account_type: accountType,
        // Required once the operator has published terms (the demo has).
        accept_terms: true,
      },
    }),
    202,
  );
  const token = await verificationToken(email);
  // The answer is an HTML page (no JSON body to parse), so only its status is checked.
  const verified = await anonymous.POST("/api/v1/email/verify-address", {
    params: { query: { token } },
    parseAs: "text",
  });
  check(verified.response.status === 200, `verify-address: ${verified.response.status}`);
  return signedIn(email, PASSWORD);
}

async function main(): Promise<void> {
  const started = Date.now();
  step("a supplier registers");
  const supplier = await signUp("supplier");

  step("the supplier creates a company");
  const company = ok(
    await supplier.POST("/api/v1/companies", {
      body: {
        legal_name: "杭州契约测试五金有限公司",
        english_name: "Hangzhou Contract Test Hardware Co., Ltd.",
        credit_code: creditCode(),
        legal_representative: "王建国",
        registered_address: "浙江省杭州市滨江区长河街道江南大道588号",
        province: "浙江省",
        city: "杭州市",
        business_scope: "五金制品制造、销售；货物进出口",
        company_type: "manufacturer",
      },
    }),
    201,
  );

  step("the supplier creates a product");
  const product = ok(
    await supplier.POST("/api/v1/companies/{id}/products", {
      params: { path: { id: company.id } },
      body: {
        title_zh: `不锈钢保温杯 ${WORD}`,
        title_en: `Stainless steel vacuum flask ${WORD}`,
        category_id: "home-goods.drinkware",
        unit: "piece",
        moq: 100,
        currency: "CNY",
        price_tiers: [
          { min_quantity: 100, unit_price: "49.90" },
          { min_quantity: 1000, unit_price: "42.50" },
        ],
        keywords: [WORD],
      },
    }),
    201,
  );
  check(product.status === "draft", `status ${product.status}`);
  check(product.price_tiers[0].unit_price_minor === 4990, JSON.stringify(product.price_tiers));

  step("the supplier publishes it (an unverified company's product goes to review)");
  const pending = ok(
    await supplier.POST("/api/v1/products/{id}/publish", { params: { path: { id: product.id } } }),
    200,
  );
  check(pending.status === "pending_review", `status ${pending.status}`);

  step("the operator approves it");
  const operator = await signedIn(env("TRADEFAIR_OPERATOR_EMAIL"), env("TRADEFAIR_OPERATOR_PASSWORD"));
  const approved = ok(
    await operator.POST("/api/v1/operator/products/{id}/approve", {
      params: { path: { id: product.id } },
      body: {},
    }),
    200,
  );
  check(approved.status === "published", `status ${approved.status}`);
  const pub = ok(await anonymous.GET("/api/v1/products/{id}", { params: { path: { id: product.id } } }), 200);
  check(pub.id === product.id, `public product ${pub.id}`);

  step(`search finds it (the indexer is asynchronous: polled up to ${WAIT_MS / 1000}s)`);
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = ok(await anonymous.GET("/api/v1/search/products", { params: { query: { q: WORD } } }), 200);
    const hit = found.items.find((h) => h.id === product.id);
    if (hit) {
      check(hit.company.id === company.id, `hit company ${hit.company.id}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`search for ${WORD} did not find ${product.id} in ${WAIT_MS} ms`);
    await sleep(250);
  }

  step("a buyer registers and sends an inquiry");
  const buyer = await signUp("buyer");
  const created = ok(
    await buyer.POST("/api/v1/inquiries", {
      body: {
        subject: `Quotation for ${WORD}`,
        message: "Please quote 5000 pcs, printed logo, FOB Ningbo.",
        quantity: 5000,
        unit: "piece",
        targets: [{ type: "product", id: product.id }],
      },
    }),
    201,
  );
  check(created.threads.length === 1, JSON.stringify(created.threads));
  step(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((error: unknown) => {
  console.error(`typescript journey: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
