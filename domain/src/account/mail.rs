//! The e-mails about an account itself, in the owner's language: verify an address, reset a
//! password, and the notice that someone tried to register with an address that already has
//! an account (registration answers the same either way; only the owner learns of it).

use uuid::Uuid;

use crate::clock::now;
use crate::db::DbConnection;
use crate::email::{LinkPurpose, LinkToken, enqueue, sign_link};
use crate::lead_alerts::{
    AccountMessage, Language, MailSettings, account_email, preferences_in_tx, site_link,
};

/// How long a verification link works.
pub const VERIFY_LINK_TTL: time::Duration = time::Duration::hours(48);
/// How long a password reset link works.
pub const RESET_LINK_TTL: time::Duration = time::Duration::minutes(30);

struct Texts {
    verify_subject: &'static str,
    verify_intro: &'static str,
    verify_change_intro: &'static str,
    verify_action: &'static str,
    verify_expiry: &'static str,
    reset_subject: &'static str,
    reset_intro: &'static str,
    reset_action: &'static str,
    reset_expiry: &'static str,
    taken_subject: &'static str,
    taken_intro: &'static str,
    taken_reset: &'static str,
    ignore: &'static str,
}

const ZH: Texts = Texts {
    verify_subject: "请验证您的邮箱地址",
    verify_intro: "请点击下面的按钮，确认 {email} 是您的邮箱地址。验证之前，您可以登录和浏览，但不能发送询盘、发布采购需求或报价。",
    verify_change_intro: "您申请将账户邮箱改为 {email}。确认后，新地址才会生效。",
    verify_action: "验证邮箱",
    verify_expiry: "此链接 {hours} 小时内有效。",
    reset_subject: "重置您的密码",
    reset_intro: "我们收到了为 {email} 重置密码的请求。请点击下面的按钮设置新密码；设置后，该账户的其他登录会话将全部退出。",
    reset_action: "设置新密码",
    reset_expiry: "此链接 {minutes} 分钟内有效，只能使用一次。",
    taken_subject: "有人尝试用您的邮箱注册",
    taken_intro: "有人尝试用 {email} 注册新账户，但该地址已有账户，因此没有创建新账户。",
    taken_reset: "如果是您本人并且忘记了密码，可以通过“忘记密码”重置。",
    ignore: "如果这不是您本人的操作，请忽略此邮件。",
};

const EN: Texts = Texts {
    verify_subject: "Verify your e-mail address",
    verify_intro: "Please press the button below to confirm that {email} is your address. Until then you can sign in and browse, but not send inquiries, post buy requests or quote.",
    verify_change_intro: "You asked to change your account's address to {email}. The new address takes effect once you confirm it.",
    verify_action: "Verify address",
    verify_expiry: "This link works for {hours} hours.",
    reset_subject: "Reset your password",
    reset_intro: "We were asked to reset the password of {email}. Press the button below to choose a new one; every other session of the account is then signed out.",
    reset_action: "Choose a new password",
    reset_expiry: "This link works once, for {minutes} minutes.",
    taken_subject: "Someone tried to register with your address",
    taken_intro: "Someone tried to open a new account with {email}. The address already has an account, so none was created.",
    taken_reset: "If it was you and you forgot your password, reset it with \"forgot password\".",
    ignore: "If this was not you, ignore this e-mail.",
};

fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::Zh => &ZH,
        Language::En => &EN,
    }
}

/// The link to a page of the site, in the recipient's language, with a signed token.
#[allow(clippy::too_many_arguments)]
fn signed(
    conn: &mut DbConnection,
    settings: &MailSettings,
    lang: Language,
    path: &str,
    purpose: LinkPurpose,
    user_id: Uuid,
    data: String,
    ttl: time::Duration,
) -> diesel::QueryResult<String> {
    let key = crate::email::link_key(conn)?;
    let token = sign_link(
        &key,
        &LinkToken {
            purpose,
            user_id,
            job_id: None,
            data: Some(data),
            expires_at: Some((now() + ttl).assume_utc().unix_timestamp()),
        },
    );
    Ok(site_link(settings, lang, path, &token))
}

/// Queues the verification e-mail for `address` (the current one or a pending change), in the
/// caller's transaction.
pub(crate) fn send_verification(
    conn: &mut DbConnection,
    settings: &MailSettings,
    user_id: Uuid,
    name: &str,
    address: &str,
    change: bool,
) -> diesel::QueryResult<()> {
    let lang = preferences_in_tx(conn, user_id)?.language;
    let t = texts(lang);
    let url = signed(
        conn,
        settings,
        lang,
        "verify-address",
        LinkPurpose::VerifyEmail,
        user_id,
        address.to_owned(),
        VERIFY_LINK_TTL,
    )?;
    let intro = if change {
        t.verify_change_intro
    } else {
        t.verify_intro
    };
    let email = account_email(
        settings,
        AccountMessage {
            lang,
            kind: "verify_email",
            user_id,
            address,
            name,
            subject: t.verify_subject.to_owned(),
            paragraphs: vec![
                intro.replace("{email}", address),
                t.verify_expiry
                    .replace("{hours}", &VERIFY_LINK_TTL.whole_hours().to_string()),
                t.ignore.to_owned(),
            ],
            action: Some((url, t.verify_action.to_owned())),
        },
    );
    enqueue(conn, email, &settings.message_id_host)?;
    Ok(())
}

/// Queues a password reset e-mail whose link is bound to the account's current token version
/// (so it works once: using it raises the version).
pub(crate) fn send_reset(
    conn: &mut DbConnection,
    settings: &MailSettings,
    user_id: Uuid,
    name: &str,
    address: &str,
    token_version: i32,
) -> diesel::QueryResult<()> {
    let lang = preferences_in_tx(conn, user_id)?.language;
    let t = texts(lang);
    let url = signed(
        conn,
        settings,
        lang,
        "reset-password",
        LinkPurpose::ResetPassword,
        user_id,
        token_version.to_string(),
        RESET_LINK_TTL,
    )?;
    let email = account_email(
        settings,
        AccountMessage {
            lang,
            kind: "password_reset",
            user_id,
            address,
            name,
            subject: t.reset_subject.to_owned(),
            paragraphs: vec![
                t.reset_intro.replace("{email}", address),
                t.reset_expiry
                    .replace("{minutes}", &RESET_LINK_TTL.whole_minutes().to_string()),
                t.ignore.to_owned(),
            ],
            action: Some((url, t.reset_action.to_owned())),
        },
    );
    enqueue(conn, email, &settings.message_id_host)?;
    Ok(())
}

/// Tells the owner of `address` that someone tried to register (or switch an account) to it.
pub(crate) fn send_address_taken(
    conn: &mut DbConnection,
    settings: &MailSettings,
    user_id: Uuid,
    name: &str,
    address: &str,
) -> diesel::QueryResult<()> {
    let lang = preferences_in_tx(conn, user_id)?.language;
    let t = texts(lang);
    let mut email = account_email(
        settings,
        AccountMessage {
            lang,
            kind: "registration_attempt",
            user_id,
            address,
            name,
            subject: t.taken_subject.to_owned(),
            paragraphs: vec![
                t.taken_intro.replace("{email}", address),
                t.taken_reset.to_owned(),
                t.ignore.to_owned(),
            ],
            action: None,
        },
    );
    // Repeated attempts must not turn into a way to flood the owner: one notice an hour.
    let hour = now().assume_utc().unix_timestamp() / 3600;
    email.dedupe_key = Some(format!("registration_attempt:{user_id}:{hour}"));
    enqueue(conn, email, &settings.message_id_host)?;
    Ok(())
}
