//! What a notification e-mail says, in the recipient's language: what happened (the review
//! decision and its reason, the quote's price and terms, the start of the message, the measure
//! and its reason), taken from the notification's payload, and the link that opens the thing it
//! is about (the API resource until the web pages exist).

use serde_json::Value;
use uuid::Uuid;

use super::model::Language;

/// The subject, the paragraphs and the path (under the public URL) of a notification e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotificationText {
    pub subject: String,
    pub paragraphs: Vec<String>,
    pub path: String,
}

fn text<'a>(data: &'a Value, key: &str) -> &'a str {
    data.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
}

fn number(data: &Value, key: &str) -> Option<i64> {
    data.get(key).and_then(Value::as_i64)
}

/// `2026-11-22T08:30:00Z` → `2026-11-22`.
fn date(data: &Value, key: &str) -> String {
    text(data, key).chars().take(10).collect()
}

fn pick(lang: Language, zh: &str, en: &str) -> String {
    match lang {
        Language::Zh => zh.to_owned(),
        Language::En => en.to_owned(),
    }
}

/// The words for a decision, an outcome or a measure (codes the readers would not know).
fn label(lang: Language, code: &str) -> String {
    let (zh, en) = match code {
        "approved" => ("已通过", "approved"),
        "rejected" => ("未通过", "rejected"),
        "changes_requested" => ("需要修改后重新提交", "changes requested"),
        "withdrawn" => ("已撤回", "withdrawn"),
        "superseded" => ("已失效（内容已变更）", "superseded (the item changed)"),
        "upheld" => ("成立", "upheld"),
        "dismissed" => ("不成立", "dismissed"),
        "granted" => ("申诉成立，措施已撤销", "granted: the measure is lifted"),
        "denied" => ("申诉未成立，措施维持", "denied: the measure stays"),
        "hide" => ("下架", "hidden from the public"),
        "unhide" => ("恢复展示", "shown again"),
        "warn" => ("警告", "a warning"),
        "suspend" => ("暂停", "suspension"),
        "reinstate" => ("恢复", "reinstatement"),
        "terminate" => ("终止合作", "termination"),
        "none" => ("正常", "none"),
        "warned" => ("警告", "warned"),
        "restricted" | "restrict" => (
            "限制（不能发布和报价）",
            "restricted (no publishing, no quotes)",
        ),
        "suspended" => ("暂停", "suspended"),
        other => {
            if let Some(measure) = other.strip_prefix("reverse_") {
                return match lang {
                    Language::Zh => format!("撤销{}", label(lang, measure)),
                    Language::En => format!("{} reversed", label(lang, measure)),
                };
            }
            (other, other)
        }
    };
    pick(lang, zh, en)
}

/// What the item of a review or a measure is, in words.
fn thing(lang: Language, kind: &str) -> String {
    let (zh, en) = match kind {
        "company" => ("企业资料", "company profile"),
        "product" => ("产品", "product"),
        "sell_offer" => ("供应信息", "sell offer"),
        "buy_request" => ("求购信息", "buy request"),
        "listing" => ("供求信息", "listing"),
        "change_request" => ("修改申请", "change request"),
        "report" => ("举报", "report"),
        "message" => ("消息", "message"),
        _ => ("内容", "item"),
    };
    pick(lang, zh, en)
}

/// The reason line, when the payload gives one.
fn reason(lang: Language, data: &Value, keys: &[&str]) -> Option<String> {
    let reason = keys.iter().map(|k| text(data, k)).find(|r| !r.is_empty())?;
    Some(match lang {
        Language::Zh => format!("原因：{reason}"),
        Language::En => format!("Reason: {reason}"),
    })
}

fn quoted(lang: Language, excerpt: &str) -> Option<String> {
    (!excerpt.is_empty()).then(|| match lang {
        Language::Zh => format!("「{excerpt}」"),
        Language::En => format!("\u{201c}{excerpt}\u{201d}"),
    })
}

/// Where the link of a notification goes: the resource it is about, as the recipient reads it.
fn path(kind: &str, subject_type: &str, subject_id: Uuid, data: &Value) -> String {
    let id = subject_id;
    let target = |default: String| -> String {
        match (text(data, "target_type"), text(data, "target_id")) {
            ("product", t) if !t.is_empty() => format!("/api/v1/products/{t}"),
            ("listing", t) if !t.is_empty() => format!("/api/v1/listings/{t}"),
            ("company", t) if !t.is_empty() => format!("/api/v1/companies/{t}"),
            _ => default,
        }
    };
    match (kind, subject_type) {
        ("operator_task", "appeal") => "/api/v1/operator/appeals".into(),
        ("operator_task", "takedown") => "/api/v1/operator/takedowns".into(),
        ("operator_task", _) => "/api/v1/operator/review-queue".into(),
        ("penalty_recorded" | "penalty_level_changed", _) => {
            format!("/api/v1/companies/{id}/penalties")
        }
        ("review_decision", "report") => "/api/v1/reports".into(),
        ("review_decision", "change_request") => format!("/api/v1/change-requests/{id}"),
        ("review_decision", _) => target(match subject_type {
            "company" => format!("/api/v1/companies/{id}"),
            "product" => format!("/api/v1/products/{id}"),
            "listing" => format!("/api/v1/listings/{id}"),
            _ => "/api/v1/notifications".into(),
        }),
        (_, "inquiry") => format!("/api/v1/inquiries/{id}"),
        (_, "quote") => format!("/api/v1/quotes/{id}"),
        (_, "listing") => format!("/api/v1/listings/{id}"),
        (_, "product") => format!("/api/v1/products/{id}"),
        (_, "company") => format!("/api/v1/companies/{id}"),
        (_, "enforcement") => format!("/api/v1/enforcement/{id}"),
        (_, "appeal") => format!("/api/v1/appeals/{id}"),
        (_, "takedown") => format!("/api/v1/takedowns/{id}"),
        _ => "/api/v1/notifications".into(),
    }
}

/// The e-mail of a notification of `kind` about `subject_type`/`subject_id` with `data` (the
/// notification's payload).
pub(crate) fn notification_text(
    lang: Language,
    kind: &str,
    subject_type: &str,
    subject_id: Uuid,
    data: &Value,
) -> NotificationText {
    let zh = lang == Language::Zh;
    let title = ["subject", "listing_title", "title"]
        .iter()
        .map(|k| text(data, k))
        .find(|t| !t.is_empty())
        .unwrap_or_default()
        .to_owned();
    let mut lines: Vec<Option<String>> = Vec::new();
    let subject = match kind {
        "inquiry_received" => {
            let buyer = text(data, "buyer_name");
            if data.get("assigned").and_then(Value::as_bool) == Some(true) {
                lines.push(Some(pick(
                    lang,
                    &format!("询盘「{title}」已分配给您处理。"),
                    &format!("The inquiry \"{title}\" was assigned to you."),
                )));
            } else {
                lines.push(Some(pick(
                    lang,
                    &format!("买家 {buyer} 就「{title}」向贵公司发来询盘，请尽快回复。"),
                    &format!(
                        "{buyer} sent your company an inquiry about \"{title}\". Please reply soon."
                    ),
                )));
            }
            lines.push(quoted(lang, text(data, "excerpt")));
            pick(
                lang,
                &format!("收到新询盘：{title}"),
                &format!("New inquiry: {title}"),
            )
        }
        "inquiry_message" => {
            let from = text(data, "from");
            lines.push(Some(pick(
                lang,
                &format!("{from} 在询盘「{title}」中发来新消息："),
                &format!("{from} wrote in the inquiry \"{title}\":"),
            )));
            lines.push(quoted(lang, text(data, "excerpt")));
            pick(
                lang,
                &format!("询盘有新消息：{title}"),
                &format!("New message: {title}"),
            )
        }
        "quote_received" => {
            let company = text(data, "company_name");
            let revised = data.get("revised").and_then(Value::as_bool) == Some(true);
            lines.push(Some(match (zh, revised) {
                (true, false) => format!("{company} 对您的求购「{title}」报价："),
                (true, true) => format!("{company} 修改了对您的求购「{title}」的报价："),
                (false, false) => format!("{company} quoted on your buy request \"{title}\":"),
                (false, true) => {
                    format!("{company} revised its quote on your buy request \"{title}\":")
                }
            }));
            let price = text(data, "unit_price");
            let currency = text(data, "currency");
            let unit = text(data, "unit");
            if !price.is_empty() {
                lines.push(Some(pick(
                    lang,
                    &format!("单价：{currency} {price} / {unit}"),
                    &format!("Unit price: {currency} {price} per {unit}"),
                )));
            }
            let mut terms = Vec::new();
            if let Some(moq) = number(data, "moq") {
                terms.push(pick(
                    lang,
                    &format!("起订量 {moq} {unit}"),
                    &format!("MOQ {moq} {unit}"),
                ));
            }
            if let Some(days) = number(data, "lead_time_days") {
                terms.push(pick(
                    lang,
                    &format!("交期 {days} 天"),
                    &format!("lead time {days} days"),
                ));
            }
            let incoterm = text(data, "incoterm");
            if !incoterm.is_empty() {
                terms.push(incoterm.to_owned());
            }
            let until = date(data, "valid_until");
            if !until.is_empty() {
                terms.push(pick(
                    lang,
                    &format!("报价有效期至 {until}"),
                    &format!("valid until {until}"),
                ));
            }
            if !terms.is_empty() {
                lines.push(Some(terms.join(if zh { "；" } else { "; " })));
            }
            lines.push(quoted(lang, text(data, "excerpt")));
            match (zh, revised) {
                (true, false) => format!("收到新报价：{title}"),
                (true, true) => format!("报价已修改：{title}"),
                (false, false) => format!("New quote: {title}"),
                (false, true) => format!("Quote revised: {title}"),
            }
        }
        "quote_accepted" => {
            lines.push(Some(pick(
                lang,
                &format!("买家接受了贵公司对「{title}」的报价，请与买家确认订单细节。"),
                &format!(
                    "The buyer accepted your company's quote for \"{title}\". Please confirm the order details with them."
                ),
            )));
            pick(
                lang,
                &format!("报价已被接受：{title}"),
                &format!("Quote accepted: {title}"),
            )
        }
        "quote_not_chosen" => {
            lines.push(Some(pick(
                lang,
                &format!("买家为「{title}」选择了其他报价。"),
                &format!("The buyer chose another quote for \"{title}\"."),
            )));
            pick(
                lang,
                &format!("报价未被选中：{title}"),
                &format!("Quote not chosen: {title}"),
            )
        }
        "listing_expiring" => {
            let until = date(data, "valid_until");
            lines.push(Some(pick(
                lang,
                &format!("您发布的「{title}」将于 {until} 到期，如需继续展示请及时更新。"),
                &format!("Your listing \"{title}\" ends on {until}; update it to keep it online."),
            )));
            pick(
                lang,
                &format!("信息即将到期：{title}"),
                &format!("Ending soon: {title}"),
            )
        }
        "licence_expiring" => {
            let on = text(data, "licence_expires_on");
            let days = number(data, "days_left").unwrap_or_default();
            lines.push(Some(pick(
                lang,
                &format!("贵公司的营业执照将于 {on} 到期（还有 {days} 天），请及时更新执照信息。"),
                &format!(
                    "Your company's business licence expires on {on} (in {days} days). Please update the licence facts."
                ),
            )));
            pick(lang, "营业执照即将到期", "Business licence expires soon")
        }
        "licence_expired" => {
            let on = text(data, "licence_expires_on");
            lines.push(Some(pick(
                lang,
                &format!("贵公司的营业执照已于 {on} 到期，认证状态受影响，请尽快更新。"),
                &format!(
                    "Your company's business licence expired on {on}; this affects its verification. Please update it."
                ),
            )));
            pick(lang, "营业执照已过期", "Business licence expired")
        }
        "penalty_recorded" => {
            let points = number(data, "points").unwrap_or_default();
            let active = number(data, "active_points").unwrap_or_default();
            let code = text(data, "reason_code");
            lines.push(Some(pick(
                lang,
                &format!("平台对贵公司记录了 {points} 分违规扣分（{code}），目前有效扣分共 {active} 分。"),
                &format!(
                    "The platform recorded {points} penalty points against your company ({code}); {active} points are now active."
                ),
            )));
            lines.push(reason(lang, data, &["note"]));
            pick(lang, "违规扣分通知", "Penalty points recorded")
        }
        "penalty_level_changed" => {
            let from = label(lang, text(data, "from"));
            let to = label(lang, text(data, "to"));
            let active = number(data, "active_points").unwrap_or_default();
            lines.push(Some(pick(
                lang,
                &format!("贵公司的处罚等级由「{from}」变为「{to}」（有效扣分 {active} 分）。"),
                &format!(
                    "Your company's penalty level changed from {from} to {to} ({active} active points)."
                ),
            )));
            pick(
                lang,
                &format!("处罚等级变更：{to}"),
                &format!("Penalty level: {to}"),
            )
        }
        "review_decision" => {
            let decision = label(lang, text(data, "decision"));
            let what = thing(lang, text(data, "kind"));
            lines.push(Some(if title.is_empty() {
                pick(
                    lang,
                    &format!("您的{what}审核结果：{decision}。"),
                    &format!("The review of your {what}: {decision}."),
                )
            } else {
                pick(
                    lang,
                    &format!("您的{what}「{title}」审核结果：{decision}。"),
                    &format!("The review of your {what} \"{title}\": {decision}."),
                )
            }));
            lines.push(reason(lang, data, &["note", "reason_code"]));
            pick(
                lang,
                &format!("审核结果：{decision}"),
                &format!("Review decision: {decision}"),
            )
        }
        "enforcement_action" => {
            let action = label(lang, text(data, "action"));
            let what = thing(lang, text(data, "subject_type"));
            lines.push(Some(pick(
                lang,
                &format!("平台对贵方的{what}采取了措施：{action}。"),
                &format!("The platform took a measure on your {what}: {action}."),
            )));
            lines.push(reason(lang, data, &["reason"]));
            lines.push(Some(pick(
                lang,
                "如有异议，可在通知中的链接处查看并提出申诉。",
                "If you disagree, you can appeal from the measure's page.",
            )));
            pick(
                lang,
                &format!("平台处理通知：{action}"),
                &format!("Platform measure: {action}"),
            )
        }
        "takedown_update" => {
            let step = label(lang, text(data, "step"));
            let status = label(lang, text(data, "status"));
            lines.push(Some(pick(
                lang,
                &format!("知识产权投诉有新进展：{step}（当前状态：{status}）。"),
                &format!("An IP takedown case moved on: {step} (now {status})."),
            )));
            lines.push(reason(lang, data, &["note"]));
            let deadline = date(data, "counter_deadline");
            if !deadline.is_empty() {
                lines.push(Some(pick(
                    lang,
                    &format!("反通知截止日期：{deadline}"),
                    &format!("Counter-notice deadline: {deadline}"),
                )));
            }
            pick(
                lang,
                &format!("知识产权投诉进展：{step}"),
                &format!("IP case update: {step}"),
            )
        }
        "appeal_decided" => {
            let outcome = label(lang, text(data, "outcome"));
            lines.push(Some(pick(
                lang,
                &format!("您的申诉已处理：{outcome}。"),
                &format!("Your appeal was decided: {outcome}."),
            )));
            lines.push(reason(lang, data, &["note"]));
            pick(
                lang,
                &format!("申诉结果：{outcome}"),
                &format!("Appeal decided: {outcome}"),
            )
        }
        "operator_task" => {
            let event = text(data, "event");
            let what = match (zh, event) {
                (true, "takedown_notice") => "新的知识产权投诉".to_owned(),
                (true, "counter_notice") => "新的反通知".to_owned(),
                (true, "appeal") => "新的申诉".to_owned(),
                (false, "takedown_notice") => "a new IP takedown notice".to_owned(),
                (false, "counter_notice") => "a new counter-notice".to_owned(),
                (false, "appeal") => "a new appeal".to_owned(),
                (_, other) => other.to_owned(),
            };
            lines.push(Some(pick(
                lang,
                &format!("有事项等待运营人员处理：{what}。"),
                &format!("Waiting for an operator: {what}."),
            )));
            lines.push((!title.is_empty()).then(|| title.clone()));
            pick(lang, &format!("待处理：{what}"), &format!("To do: {what}"))
        }
        _ => {
            lines.push(Some(pick(
                lang,
                &format!("您有一条新通知：{title}"),
                &format!("You have a new notification: {title}"),
            )));
            pick(lang, "Tradefair 通知", "Tradefair notification")
        }
    };
    NotificationText {
        subject,
        paragraphs: lines.into_iter().flatten().collect(),
        path: path(kind, subject_type, subject_id, data),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_review_decision_says_what_and_why_in_both_languages() {
        let data = json!({"kind": "product", "title": "保温杯", "decision": "rejected",
                          "reason_code": "prohibited", "note": "图片与描述不符",
                          "target_type": "product", "target_id": "p1"});
        let zh = notification_text(
            Language::Zh,
            "review_decision",
            "product",
            Uuid::nil(),
            &data,
        );
        assert_eq!(zh.subject, "审核结果：未通过");
        assert!(zh.paragraphs[0].contains("「保温杯」"));
        assert_eq!(zh.paragraphs[1], "原因：图片与描述不符");
        assert_eq!(zh.path, "/api/v1/products/p1");
        let en = notification_text(
            Language::En,
            "review_decision",
            "product",
            Uuid::nil(),
            &data,
        );
        assert_eq!(en.subject, "Review decision: rejected");
        assert_eq!(en.paragraphs[1], "Reason: 图片与描述不符");
    }

    #[test]
    fn a_quote_gives_its_price_and_terms() {
        let data = json!({"listing_title": "M8 螺栓", "company_name": "宁波示例五金有限公司",
                          "revised": false, "unit_price": "0.28", "currency": "CNY", "unit": "piece",
                          "moq": 10000, "lead_time_days": 15, "incoterm": "FOB",
                          "valid_until": "2026-12-31T00:00:00Z", "excerpt": "含税含运"});
        let id = Uuid::from_u128(5);
        let en = notification_text(Language::En, "quote_received", "quote", id, &data);
        assert_eq!(en.subject, "New quote: M8 螺栓");
        assert_eq!(en.paragraphs[1], "Unit price: CNY 0.28 per piece");
        assert_eq!(
            en.paragraphs[2],
            "MOQ 10000 piece; lead time 15 days; FOB; valid until 2026-12-31"
        );
        assert_eq!(en.paragraphs[3], "\u{201c}含税含运\u{201d}");
        assert_eq!(en.path, format!("/api/v1/quotes/{id}"));
    }

    #[test]
    fn reversed_measures_read_as_words() {
        assert_eq!(
            label(Language::En, "reverse_hide"),
            "hidden from the public reversed"
        );
        assert_eq!(label(Language::Zh, "reverse_suspend"), "撤销暂停");
    }
}
