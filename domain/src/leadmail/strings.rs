//! The words of every message, in Chinese and English. Templates hold only layout.

use super::model::Language;

pub(crate) struct Strings {
    pub greeting: &'static str,
    pub verified: &'static str,
    pub unsubscribe: &'static str,
    pub preferences: &'static str,
    pub ad_prefix: &'static str,
    pub lead_reason: &'static str,
    pub transactional_reason: &'static str,
    pub consent_subject: &'static str,
    pub consent_intro: &'static str,
    pub consent_expiry: &'static str,
    pub consent_action: &'static str,
    pub consent_ignore: &'static str,
    pub repermission_subject: &'static str,
    pub repermission_intro: &'static str,
    pub repermission_action: &'static str,
    pub instant_subject: &'static str,
    pub daily_subject: &'static str,
    pub weekly_subject: &'static str,
    pub lead_intro: &'static str,
    pub matched_search: &'static str,
    pub matched_supplier: &'static str,
    pub matched_category: &'static str,
    pub matched_buy_request: &'static str,
    pub matched_buy_leads: &'static str,
    pub moq: &'static str,
    pub price_on_request: &'static str,
    pub quantity: &'static str,
    pub open_in_app: &'static str,
}

const ZH: Strings = Strings {
    greeting: "{name}，您好：",
    verified: "已认证",
    unsubscribe: "退订",
    preferences: "邮件偏好设置",
    ad_prefix: "广告｜",
    lead_reason: "您收到这封邮件，是因为您在 Tradefair 订阅了商机提醒并确认了邮件接收。",
    transactional_reason: "这是与您的账户业务相关的通知邮件。",
    consent_subject: "请确认接收 Tradefair 商机邮件",
    consent_intro: "您在 Tradefair 订阅了商机提醒。确认后，我们才会向 {email} 发送匹配的新产品、供应信息和求购商机。",
    consent_expiry: "确认链接在 {hours} 小时内有效。",
    consent_action: "确认接收",
    consent_ignore: "如果这不是您本人的操作，请忽略本邮件，我们不会再发送商机邮件。",
    repermission_subject: "您还想继续接收 Tradefair 商机邮件吗？",
    repermission_intro: "您最近没有打开我们发送的商机邮件。如果仍想接收，请点击下方按钮确认；否则我们将在 {days} 天后暂停发送。",
    repermission_action: "继续接收",
    instant_subject: "新商机：{title}",
    daily_subject: "今日商机汇总（{count} 条）",
    weekly_subject: "本周商机汇总（{count} 条）",
    lead_intro: "以下是与您的订阅匹配的新信息：",
    matched_search: "匹配您的搜索「{name}」",
    matched_supplier: "您关注的供应商「{name}」",
    matched_category: "您关注的类目「{name}」",
    matched_buy_request: "与您的求购「{name}」相关",
    matched_buy_leads: "适合贵公司的求购商机",
    moq: "起订量",
    price_on_request: "价格面议",
    quantity: "求购数量",
    open_in_app: "查看详情",
};

const EN: Strings = Strings {
    greeting: "Hello {name},",
    verified: "Verified",
    unsubscribe: "Unsubscribe",
    preferences: "E-mail preferences",
    ad_prefix: "AD: ",
    lead_reason: "You receive this e-mail because you subscribed to lead alerts on Tradefair and confirmed your address.",
    transactional_reason: "This is a notification about your account's business.",
    consent_subject: "Please confirm Tradefair lead e-mails",
    consent_intro: "You subscribed to lead alerts on Tradefair. Once you confirm, we will send matching new products, sell offers and buying leads to {email}.",
    consent_expiry: "The link is valid for {hours} hours.",
    consent_action: "Confirm",
    consent_ignore: "If this was not you, ignore this message and you will get no lead e-mail.",
    repermission_subject: "Do you still want Tradefair lead e-mails?",
    repermission_intro: "You have not opened our lead e-mails lately. If you still want them, confirm below; otherwise we pause them in {days} days.",
    repermission_action: "Keep sending",
    instant_subject: "New lead: {title}",
    daily_subject: "Today's leads ({count})",
    weekly_subject: "This week's leads ({count})",
    lead_intro: "New items that match your subscriptions:",
    matched_search: "Matching your search \"{name}\"",
    matched_supplier: "From {name}, a supplier you follow",
    matched_category: "New in {name}",
    matched_buy_request: "For your buy request \"{name}\"",
    matched_buy_leads: "Buy requests your company could answer",
    moq: "MOQ",
    price_on_request: "Price on request",
    quantity: "Quantity",
    open_in_app: "Open",
};

pub(crate) fn strings(lang: Language) -> &'static Strings {
    match lang {
        Language::Zh => &ZH,
        Language::En => &EN,
    }
}

/// Notification e-mail texts: (subject, body) with `{title}`/`{company}` from the payload.
pub(crate) fn notification_texts(lang: Language, kind: &str) -> (&'static str, &'static str) {
    match (lang, kind) {
        (Language::Zh, "inquiry_received") => (
            "收到新询盘：{title}",
            "买家就「{title}」向贵公司发来询盘，请尽快回复。",
        ),
        (Language::Zh, "inquiry_message") => {
            ("询盘有新消息：{title}", "询盘「{title}」有一条新消息。")
        }
        (Language::Zh, "quote_received") => {
            ("收到新报价：{title}", "有供应商对您的求购「{title}」报价。")
        }
        (Language::Zh, "quote_accepted") => (
            "报价已被接受：{title}",
            "买家接受了贵公司对「{title}」的报价。",
        ),
        (Language::Zh, "quote_not_chosen") => {
            ("报价未被选中：{title}", "买家为「{title}」选择了其他报价。")
        }
        (Language::Zh, "listing_expiring") => (
            "信息即将到期：{title}",
            "您发布的「{title}」即将到期，如需继续展示请及时更新。",
        ),
        (Language::Zh, "operator_task") => {
            ("待处理：{title}", "有新的事项等待运营人员处理：{title}。")
        }
        (Language::Zh, _) => ("Tradefair 通知", "您有一条新通知：{title}"),
        (Language::En, "inquiry_received") => (
            "New inquiry: {title}",
            "A buyer sent your company an inquiry about \"{title}\". Please reply soon.",
        ),
        (Language::En, "inquiry_message") => (
            "New message: {title}",
            "There is a new message in the inquiry \"{title}\".",
        ),
        (Language::En, "quote_received") => (
            "New quote: {title}",
            "A supplier quoted on your buy request \"{title}\".",
        ),
        (Language::En, "quote_accepted") => (
            "Quote accepted: {title}",
            "The buyer accepted your company's quote for \"{title}\".",
        ),
        (Language::En, "quote_not_chosen") => (
            "Quote not chosen: {title}",
            "The buyer chose another quote for \"{title}\".",
        ),
        (Language::En, "listing_expiring") => (
            "Ending soon: {title}",
            "Your listing \"{title}\" ends soon; update it to keep it online.",
        ),
        (Language::En, "operator_task") => (
            "Waiting for an operator: {title}",
            "Something new waits for an operator's decision: {title}.",
        ),
        (Language::En, _) => (
            "Tradefair notification",
            "You have a new notification: {title}",
        ),
    }
}
