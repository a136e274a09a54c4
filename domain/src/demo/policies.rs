//! Sample versions of the platform's rules, so that the demo's footer links, registration
//! checkbox and rules pages show what a running portal has. Every text says it is a sample:
//! an operator publishes their own through `POST /api/v1/operator/policies/{kind}`.

use crate::access::Actor;
use crate::policy::{self, PolicyError, PolicyInput, PolicyKind};

struct Sample {
    kind: PolicyKind,
    title_zh: &'static str,
    title_en: &'static str,
    body_zh: &'static str,
    body_en: &'static str,
}

const SAMPLES: &[Sample] = &[
    Sample {
        kind: PolicyKind::Terms,
        title_zh: "用户服务协议（示例）",
        title_en: "Terms of Service (sample)",
        body_zh: "本文为演示数据中的示例协议，平台运营方应发布自己的版本。\n\n一、平台为企业之间的供求信息发布、询盘、报价和交易撮合提供服务。平台内经营者应如实登记企业名称、统一社会信用代码、住所和联系方式，并在店铺显著位置公示营业执照信息。\n\n二、用户发布的产品、求购和供应信息应真实、合法，不得发布平台《禁止发布信息规则》所列的内容。\n\n三、平台按照公开的交易规则处理举报、知识产权通知和申诉；处理结果和统计数据在透明度报告中公布。\n\n四、争议可通过平台协商解决，协商不成的，依法向有管辖权的人民法院提起诉讼。",
        body_en: "This is a sample agreement from the demo data; the platform operator publishes their own version.\n\n1. The platform lets businesses publish supply and demand, send inquiries and quotes, and find trading partners. Suppliers register their true company name, unified social credit code, address and contacts, and show their business licence facts on their storefront.\n\n2. Products, buy requests and sell offers must be truthful and lawful and must not contain what the Prohibited Information Rules list.\n\n3. Reports, IP notices and appeals are handled by the published trading rules; outcomes and figures appear in the transparency report.\n\n4. Disputes are first settled through the platform; failing that, before the competent people's court.",
    },
    Sample {
        kind: PolicyKind::Privacy,
        title_zh: "隐私政策（示例）",
        title_en: "Privacy Notice (sample)",
        body_zh: "本文为演示数据中的示例政策。\n\n我们收集注册邮箱、姓名、企业信息以及您在平台上发送的询盘和报价，用于提供撮合服务、防止欺诈和履行法定的记录保存义务。\n\n营销邮件仅在您明确同意后发送，每封邮件均可一键退订。\n\n您可以导出自己的数据，也可以申请注销账户；法律要求保存的交易记录在保存期限届满后删除。",
        body_en: "This is a sample notice from the demo data.\n\nWe collect your e-mail address, name, company facts and the inquiries and quotes you send, to provide the matching service, to prevent fraud and to keep the records the law requires.\n\nMarketing e-mail is sent only with your explicit consent, and every message can be unsubscribed from with one click.\n\nYou can export your data and close your account; trading records the law requires us to keep are erased when their retention period ends.",
    },
    Sample {
        kind: PolicyKind::TradingRules,
        title_zh: "交易规则（示例）",
        title_en: "Trading Rules (sample)",
        body_zh: "本文为演示数据中的示例规则。\n\n求购信息在有效期内接受报价，每家企业对同一求购报价一次，可修改一次。\n\n信用分根据认证、评价和处罚记录计算，规则公开。",
        body_en: "These are sample rules from the demo data.\n\nA buy request takes quotes until its end date; each company quotes once per request and may revise that quote once.\n\nCredit scores are computed from verification, ratings and penalties, by published rules.",
    },
    Sample {
        kind: PolicyKind::ProhibitedItems,
        title_zh: "禁止发布信息规则（示例）",
        title_en: "Prohibited Information Rules (sample)",
        body_zh: "本文为演示数据中的示例规则。\n\n禁止发布枪支弹药、管制刀具、毒品、爆炸物、假冒商品及其他法律法规禁止交易的物品信息。违反者的信息将被下架，并按规则记录处罚分。",
        body_en: "These are sample rules from the demo data.\n\nListings of firearms and ammunition, controlled knives, drugs, explosives, counterfeit goods and anything else the law forbids to trade are prohibited. They are taken down and penalty points are recorded by the rules.",
    },
];

/// Publishes version 1 of each sample.
pub(super) fn load(
    conn: &mut crate::db::DbConnection,
    operator: &Actor,
) -> Result<(), PolicyError> {
    for s in SAMPLES {
        policy::publish(
            conn,
            operator,
            s.kind,
            PolicyInput {
                title_zh: s.title_zh.into(),
                title_en: s.title_en.into(),
                body_zh: s.body_zh.into(),
                body_en: s.body_en.into(),
                change_note: String::new(),
            },
        )?;
    }
    Ok(())
}
