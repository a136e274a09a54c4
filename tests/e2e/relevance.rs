//! Search relevance on the demo catalog (`domain::demo`): what a buyer expects from product,
//! supplier and suggestion search, as a table of cases run once per backend.
//!
//! Expectations come from `domain/src/demo/data.rs` and how `domain::demo::load` turns it into
//! 300 products: every supplier gets 15 products from the templates of its categories, repeated
//! templates get suffixes (" 加厚款" / " Heavy Duty"), and one in three products of an
//! unverified supplier (`n % 3 == 0`) still waits in review, so it is not public. Ids are random,
//! so hits are recognised by their titles, categories and suppliers.
//!
//! All cases run; the failures are reported together. `RELEVANCE_VERBOSE=1` prints every case
//! with its top hits.

use std::collections::{HashMap, HashSet};

use e2e::{Backend, TestApp, both_backends};
use serde_json::Value;

/// What one hit (product or supplier) must satisfy.
#[derive(Debug, Clone, Copy)]
enum Pred {
    /// The title (Chinese or English, case-insensitive) contains one of these.
    TitleHas(&'static [&'static str]),
    /// The title (Chinese and English together) contains all of these.
    TitleHasAll(&'static [&'static str]),
    /// `a.b` is a leaf category; `a` a top-level one.
    Category(&'static str),
    Province(&'static str),
    Verified(bool),
    MoqAtMost(u64),
    /// The hit is priced in `currency` and its price range overlaps `[min, max]`.
    Price {
        currency: &'static str,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// The supplier's slug.
    Slug(&'static str),
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// There are at least `k` hits and the first `k` satisfy the predicate.
    Top(usize, Pred),
    /// There is a hit and every hit on the first page (up to 100) satisfies the predicate.
    Every(Pred),
    /// The first hit has this Chinese or English title.
    First(&'static str),
    /// A hit with this Chinese or English title is within the first `k`.
    Within(usize, &'static str),
    /// No hit has this title (products still in review are not public).
    NoTitle(&'static str),
    /// Exactly this many matches.
    Total(usize),
    /// The query did not fall back to partial matches.
    AllTerms,
    /// The first `k` titles are the same as those of another query.
    SameTopAs(usize, &'static str),
    /// The first `k` suppliers are exactly these, in any order.
    TopSuppliers(usize, &'static [&'static str]),
    /// The suggestions contain this word.
    Suggests(&'static str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Products,
    Suppliers,
    Suggest,
}

struct Case {
    /// What a buyer expects, in words.
    what: &'static str,
    kind: Kind,
    q: &'static str,
    /// Extra query parameters.
    params: &'static [(&'static str, &'static str)],
    expect: &'static [Expect],
}

use Expect::*;
use Kind::*;
use Pred::*;

const fn products(what: &'static str, q: &'static str, expect: &'static [Expect]) -> Case {
    Case {
        what,
        kind: Products,
        q,
        params: &[],
        expect,
    }
}

const fn filtered(
    what: &'static str,
    q: &'static str,
    params: &'static [(&'static str, &'static str)],
    expect: &'static [Expect],
) -> Case {
    Case {
        what,
        kind: Products,
        q,
        params,
        expect,
    }
}

const fn suppliers(
    what: &'static str,
    q: &'static str,
    params: &'static [(&'static str, &'static str)],
    expect: &'static [Expect],
) -> Case {
    Case {
        what,
        kind: Suppliers,
        q,
        params,
        expect,
    }
}

const fn suggest(what: &'static str, q: &'static str, expect: &'static [Expect]) -> Case {
    Case {
        what,
        kind: Suggest,
        q,
        params: &[],
        expect,
    }
}

const DRINKWARE: &str = "home-goods.drinkware";
const INJECTION: &str = "machinery.injection-molding";
const EARPHONES: &str = "consumer-electronics.earphones";
const POWER_BANKS: &str = "consumer-electronics.power-banks";
const PANEL_LIGHTS: &str = "lighting.led-panel-lights";
const TILES: &str = "building-materials.ceramic-tiles";
const MOTORS: &str = "electrical.motors";
const PUMPS: &str = "machinery.pumps";

static CASES: &[Case] = &[
    // --- Unspaced Chinese ---
    products(
        "the top 5 are vacuum cups with 保温杯 in the title",
        "不锈钢保温杯",
        &[
            Top(5, TitleHas(&["保温杯"])),
            Top(5, Category(DRINKWARE)),
            AllTerms,
        ],
    ),
    products(
        "injection molding machines come first",
        "注塑机",
        &[Top(5, Category(INJECTION))],
    ),
    products(
        "Bluetooth earphones, titled so, come first",
        "蓝牙耳机",
        &[Top(5, Category(EARPHONES)), Top(3, TitleHas(&["蓝牙耳机"]))],
    ),
    products(
        "both CNC lathes lead",
        "数控车床",
        &[Top(2, TitleHas(&["数控车床"]))],
    ),
    products(
        "the one rebar product is first",
        "螺纹钢",
        &[First("螺纹钢 HRB400E 16mm")],
    ),
    products(
        "the public West Lake Longjing is first; the one in review is not shown",
        "西湖龙井",
        &[
            First("西湖龙井 明前特级 250g 加厚款"),
            NoTitle("西湖龙井 明前特级 250g"),
        ],
    ),
    products(
        "the smart toilet is first",
        "智能马桶",
        &[First("智能马桶一体机 即热式")],
    ),
    products(
        "power banks come first",
        "充电宝",
        &[Top(3, Category(POWER_BANKS))],
    ),
    products(
        "the public hickory kernels are first; the salted ones in review are not shown",
        "山核桃",
        &[First("临安山核桃仁 手剥 500g"), NoTitle("椒盐山核桃 带壳")],
    ),
    products(
        "both sintered stone slabs lead",
        "岩板",
        &[
            Top(2, TitleHas(&["岩板"])),
            // The same slab from both suppliers: the verified one ranks first.
            Top(1, Slug("foshan-ruisheng-ceramics")),
        ],
    ),
    products(
        "residual current breakers lead",
        "漏电保护器",
        &[Top(2, TitleHas(&["漏电保护器"]))],
    ),
    products(
        "the PV cable is first",
        "光伏电缆",
        &[First("光伏电缆 PV1-F 4平方")],
    ),
    products(
        "storage boxes still in review are not shown",
        "收纳箱",
        &[
            NoTitle("PP塑料收纳箱 带盖 50L"),
            NoTitle("PP塑料收纳箱 带盖 50L 加厚款"),
        ],
    ),
    // Known weakness (docs/search.md): the spare part's shorter title outscores the machines
    // under BM25; buyers would rather see a machine first. Asserted: machines lead the rest.
    products(
        "注塑机 shows machines near the top",
        "注塑机",
        &[
            Top(3, TitleHas(&["注塑机"])),
            Within(3, "伺服节能注塑机 HY-1280 锁模力128吨"),
        ],
    ),
    // --- English ---
    products(
        "the four vacuum flasks lead",
        "vacuum flask",
        &[Top(4, TitleHas(&["vacuum flask"]))],
    ),
    products(
        "injection molding machines come first",
        "injection molding machine",
        &[Top(5, Category(INJECTION))],
    ),
    products(
        "hex bolts lead",
        "hex bolt",
        &[Top(3, TitleHasAll(&["hex", "bolt"]))],
    ),
    products(
        "both brake pad sets lead",
        "brake pads",
        &[Top(2, TitleHas(&["brake pad"]))],
    ),
    products(
        "green teas lead",
        "green tea",
        &[Top(3, TitleHas(&["green tea"]))],
    ),
    products(
        "both submersible pumps lead",
        "submersible pump",
        &[Top(2, TitleHas(&["submersible pump"]))],
    ),
    products(
        "the power station is first",
        "portable power station",
        &[First("Portable Power Station 600W 568Wh")],
    ),
    products(
        "both sintered stone slabs lead",
        "sintered stone slab",
        &[Top(2, TitleHas(&["sintered stone slab"]))],
    ),
    products("rebar is first", "rebar", &[First("Rebar HRB400E 16mm")]),
    products(
        "a bare part number finds its part",
        "4707",
        &[First("Heavy Truck Brake Shoe 4707")],
    ),
    products(
        "t-shirt shows T-shirts first, not T-shirt bags",
        "t-shirt",
        &[Top(1, Category("textiles-apparel.t-shirts"))],
    ),
    products(
        "words like \"for\" do not hide the product titled for offices",
        "panel light for office",
        &[Within(2, "LED Panel Light 300x1200 48W Office")],
    ),
    products(
        "granite is natural stone",
        "granite",
        &[Top(2, Category("building-materials.stone"))],
    ),
    // --- Across languages ---
    products(
        "an English query finds the Chinese-titled spin mop",
        "spin mop",
        &[First("旋转拖把 免手洗 带桶")],
    ),
    products(
        "an English keyword finds a product titled only in Chinese",
        "screw barrel",
        &[First("注塑机螺杆料筒 双合金")],
    ),
    products(
        "an English keyword finds the Chinese-only milling machine",
        "CNC milling machine",
        &[First("经济型数控铣床 XK7124")],
    ),
    products(
        "a Chinese query finds English-titled flood lights",
        "投光灯",
        &[Top(3, Category("lighting.flood-lights"))],
    ),
    products(
        "a Chinese keyword finds the English-titled quartz slab",
        "石英石",
        &[First("Calacatta Quartz Stone Slab 3200x1600")],
    ),
    products(
        "the English name of Longjing finds 龙井",
        "dragon well",
        &[Top(2, TitleHas(&["龙井"]))],
    ),
    // --- Mixed Chinese, English, model numbers and sizes ---
    products(
        "600x600 LED panel lights lead",
        "LED面板灯 600x600",
        &[
            Top(5, Category(PANEL_LIGHTS)),
            Top(5, TitleHas(&["600x600"])),
        ],
    ),
    products(
        "the M8 hex bolts lead",
        "M8 螺栓",
        &[Top(2, TitleHas(&["M8 镀锌六角螺栓"]))],
    ),
    products(
        "304 cups and bottles of 500ml lead",
        "304不锈钢 500ml",
        &[Top(3, TitleHasAll(&["304", "500ml"]))],
    ),
    products(
        "a model number finds its machine",
        "VMC850",
        &[First("CNC立式加工中心 VMC850")],
    ),
    products(
        "the DZ47 breakers lead",
        "DZ47 断路器",
        &[Top(2, TitleHas(&["DZ47"]))],
    ),
    products(
        "the Type-C connector is first",
        "Type-C 连接器",
        &[First("Type-C母座 16P 沉板贴片")],
    ),
    products(
        "the 2835 LED is first",
        "SMD LED 2835",
        &[First("SMD LED 2835 0.2W 暖白")],
    ),
    products(
        "a tyre size finds the tyre",
        "12R22.5 轮胎",
        &[First("轮胎 12R22.5")],
    ),
    products(
        "a tyre size finds both car tyres",
        "205/55R16",
        &[Top(2, TitleHas(&["205/55R16"]))],
    ),
    products(
        "the 6061 plate is first",
        "6061 aluminium plate",
        &[First("6061 T6 Aluminium Plate 10mm")],
    ),
    products(
        "the 10000mAh power bank is first",
        "10000mAh 充电宝",
        &[First("移动电源 10000mAh 22.5W快充")],
    ),
    products(
        "a wattage picks the 40W panel light out of the panel lights",
        "LED panel light 40W",
        &[
            Within(2, "LED Panel Light 600x600 40W"),
            Top(2, TitleHas(&["40W"])),
        ],
    ),
    products(
        "the ST4.2x25 screws lead",
        "ST4.2x25 自攻螺丝",
        &[Top(2, TitleHas(&["ST4.2x25"]))],
    ),
    products(
        "20oz tumblers lead",
        "20oz tumbler",
        &[Top(2, TitleHas(&["20oz"]))],
    ),
    products(
        "the Q235B welded pipes lead",
        "Q235B 焊管",
        &[Top(2, TitleHas(&["直缝焊管 Q235B"]))],
    ),
    products(
        "the YE3 7.5kW motors lead",
        "YE3 电机 7.5kW",
        &[Top(2, TitleHas(&["YE3三相异步电机 7.5kW"]))],
    ),
    // --- Traditional script ---
    products(
        "traditional script finds what simplified finds",
        "不鏽鋼保溫杯",
        &[SameTopAs(5, "不锈钢保温杯"), Top(5, TitleHas(&["保温杯"]))],
    ),
    products(
        "藍牙耳機 finds Bluetooth earphones",
        "藍牙耳機",
        &[Top(3, Category(EARPHONES))],
    ),
    products(
        "陶瓷剎車片 finds the ceramic brake pads",
        "陶瓷剎車片",
        &[First("陶瓷刹车片")],
    ),
    products(
        "螺紋鋼 finds rebar",
        "螺紋鋼",
        &[First("螺纹钢 HRB400E 16mm")],
    ),
    products(
        "龍井茶 finds Longjing",
        "龍井茶",
        &[Top(2, TitleHas(&["龙井"]))],
    ),
    products(
        "電機 finds electric motors",
        "電機",
        &[Top(5, Category(MOTORS))],
    ),
    // --- Full-width input ---
    products(
        "full-width LED finds LED bulbs",
        "ＬＥＤ球泡灯",
        &[Top(3, Category("lighting.led-bulbs"))],
    ),
    products(
        "full-width 304 finds the 304 hex nuts",
        "３０４不锈钢螺母",
        &[Top(2, TitleHas(&["304不锈钢六角螺母"]))],
    ),
    products(
        "full-width M8 and ideographic space find the M8 bolts",
        "Ｍ８\u{3000}螺栓",
        &[Top(2, TitleHas(&["M8 镀锌六角螺栓"]))],
    ),
    products(
        "a full-width size finds 600x600 panel lights",
        "６００ｘ６００ ＬＥＤ",
        &[
            Top(5, TitleHas(&["600x600"])),
            Top(5, Category(PANEL_LIGHTS)),
        ],
    ),
    // --- Misspelled English (one typo, 5+ letters) ---
    products(
        "stainles finds stainless steel sheets",
        "stainles steel sheet",
        &[Top(3, TitleHas(&["stainless steel sheet"])), AllTerms],
    ),
    products(
        "centrifugel finds centrifugal pumps",
        "centrifugel pump",
        &[Top(2, TitleHas(&["centrifugal pump"])), AllTerms],
    ),
    products(
        "a transposition (porcelian) finds porcelain tiles",
        "porcelian tile",
        &[Top(5, Category(TILES)), AllTerms],
    ),
    products(
        "submersable finds submersible pumps",
        "submersable pump",
        &[Top(2, TitleHas(&["submersible pump"])), AllTerms],
    ),
    products(
        "earphnes finds earphones",
        "earphnes",
        &[Top(3, Category(EARPHONES))],
    ),
    products(
        "the British fertiliser finds fertilizers",
        "fertiliser",
        &[Top(3, Category("agriculture.fertilizers"))],
    ),
    products(
        "machning finds machining centers",
        "machning center",
        &[Top(2, TitleHas(&["machining center"])), AllTerms],
    ),
    products(
        "the British galvanised finds galvanized pipes",
        "galvanised pipe",
        &[Top(2, TitleHas(&["galvanized steel pipe"])), AllTerms],
    ),
    // --- Plurals and singulars ---
    products("bolts finds bolts", "bolts", &[Top(5, TitleHas(&["bolt"]))]),
    products(
        "tires finds tires",
        "tires",
        &[Top(3, Category("auto-parts.tires"))],
    ),
    products(
        "tires shows tires, not tiles or wires",
        "tires",
        &[Every(Category("auto-parts.tires"))],
    ),
    products(
        "solar shows solar products, not polar fleece",
        "solar",
        &[Every(TitleHas(&["solar", "光伏"]))],
    ),
    products(
        "unhyphenated plural self tapping screws",
        "self tapping screws",
        &[Top(2, TitleHas(&["self-tapping screw"]))],
    ),
    products("pumps finds pumps", "pumps", &[Top(5, Category(PUMPS))]),
    products("motors finds motors", "motors", &[Top(5, Category(MOTORS))]),
    products(
        "lunch boxes finds the lunch box",
        "lunch boxes",
        &[First("3-Tier Stainless Steel Lunch Box")],
    ),
    products(
        "polo shirts finds the polo shirt",
        "polo shirts",
        &[Top(1, TitleHas(&["polo shirt"]))],
    ),
    products(
        "connector finds connectors",
        "connector",
        &[Top(5, Category("electronic-components.connectors"))],
    ),
    // --- Filters ---
    filtered(
        "tiles from Fujian only",
        "瓷砖",
        &[("region", "福建省")],
        &[Every(Province("福建省")), Top(3, Category(TILES))],
    ),
    filtered(
        "unverified suppliers' porcelain tiles: only the Xiamen trader",
        "porcelain tile",
        &[("verified", "false")],
        &[Every(Verified(false)), Every(Slug("xiamen-yansen-stone"))],
    ),
    filtered(
        "stainless steel in the metal category: the nine public sheets, coils, pipes and bars",
        "stainless steel",
        &[("category", "metallurgy.stainless-steel")],
        &[Every(Category("metallurgy.stainless-steel")), Total(9)],
    ),
    filtered(
        "stainless steel among home goods",
        "不锈钢",
        &[("category", "home-goods")],
        &[Every(Category("home-goods")), Top(3, TitleHas(&["不锈钢"]))],
    ),
    filtered(
        "LED products with a minimum order of at most 100",
        "LED",
        &[("moq_max", "100")],
        &[Every(MoqAtMost(100)), Top(3, TitleHas(&["LED"]))],
    ),
    filtered(
        "vacuum cups up to 20 CNY",
        "保温杯",
        &[("price_max", "20"), ("currency", "CNY")],
        &[
            Every(Price {
                currency: "CNY",
                min: None,
                max: Some(20.0),
            }),
            Top(3, TitleHas(&["保温"])),
        ],
    ),
    filtered(
        "stainless steel from 3000 USD: the Wuxi mill's products",
        "stainless steel",
        &[("price_min", "3000"), ("currency", "USD")],
        &[
            Every(Price {
                currency: "USD",
                min: Some(3000.0),
                max: None,
            }),
            Every(Slug("wuxi-tuogang-stainless")),
        ],
    ),
    filtered(
        "panel lights up to 10 USD: the Guangzhou maker's",
        "panel light",
        &[("price_max", "10"), ("currency", "usd")],
        &[
            Every(Price {
                currency: "USD",
                min: None,
                max: Some(10.0),
            }),
            Every(Slug("guangzhou-aolang-lighting")),
        ],
    ),
    filtered(
        "brake parts from agents: the Qingdao tyre agent",
        "brake",
        &[("company_type", "agent")],
        &[
            Every(Slug("qingdao-yuanchi-tyre")),
            Top(3, TitleHas(&["brake"])),
        ],
    ),
    filtered(
        "browsing tea lists the six public teas",
        "",
        &[("category", "food-beverage.tea")],
        &[Total(6), NoTitle("西湖龙井 明前特级 250g")],
    ),
    filtered(
        "browsing Tianjin lists the steel mill's 15 products",
        "",
        &[("region", "天津市")],
        &[Total(15), Every(Province("天津市"))],
    ),
    filtered(
        "bolts with a minimum order of at most 1000: the foundation bolt",
        "螺栓",
        &[("moq_max", "1000")],
        &[Every(MoqAtMost(1000)), First("热镀锌地脚螺栓 M20")],
    ),
    filtered(
        "verified suppliers' LED panel lights in Guangdong",
        "LED panel light",
        &[("verified", "true"), ("region", "广东省")],
        &[
            Every(Verified(true)),
            Every(Province("广东省")),
            Top(5, Category(PANEL_LIGHTS)),
        ],
    ),
    // --- Supplier search ---
    suppliers(
        "宁波 finds the two Ningbo companies first",
        "宁波",
        &[],
        &[TopSuppliers(
            2,
            &["ningbo-hengyue-machinery", "ningbo-jinyue-houseware"],
        )],
    ),
    suppliers(
        "a Chinese trade name",
        "嘉乐杯业",
        &[],
        &[Top(1, Slug("yongkang-jiale-cups"))],
    ),
    suppliers(
        "an English trade name",
        "Hongjie Electric",
        &[],
        &[Top(1, Slug("yueqing-hongjie-electric"))],
    ),
    suppliers(
        "a main product in Chinese",
        "注塑机",
        &[],
        &[Top(1, Slug("ningbo-hengyue-machinery"))],
    ),
    suppliers(
        "a main product in English: both panel light makers",
        "LED panel light",
        &[],
        &[TopSuppliers(
            2,
            &["zhongshan-langyi-lighting", "guangzhou-aolang-lighting"],
        )],
    ),
    suppliers(
        "plural tyres finds the tyre agent",
        "tyres",
        &[],
        &[Top(1, Slug("qingdao-yuanchi-tyre"))],
    ),
    suppliers(
        "紧固件 finds the fastener maker",
        "紧固件",
        &[],
        &[Top(1, Slug("haiyan-tonggu-fasteners"))],
    ),
    suppliers(
        "granite finds the stone trader",
        "granite",
        &[],
        &[Top(1, Slug("xiamen-yansen-stone"))],
    ),
    suppliers(
        "不锈钢 in Jiangsu: the Wuxi stainless trader",
        "不锈钢",
        &[("region", "江苏省")],
        &[
            Top(1, Slug("wuxi-tuogang-stainless")),
            Every(Province("江苏省")),
        ],
    ),
    suppliers(
        "vacuum flask finds the cup maker",
        "vacuum flask",
        &[],
        &[Top(1, Slug("yongkang-jiale-cups"))],
    ),
    suppliers(
        "traditional 電機 finds the motor maker",
        "電機",
        &[],
        &[Top(1, Slug("changzhou-ruichi-motor"))],
    ),
    suppliers(
        "city and trade in English",
        "Foshan ceramics",
        &[],
        &[Top(1, Slug("foshan-ruisheng-ceramics"))],
    ),
    suppliers(
        "面料 finds the textile mill",
        "面料",
        &[],
        &[Top(1, Slug("suzhou-lanjin-textile"))],
    ),
    suppliers(
        "an unverified supplier is still found: 茶叶",
        "茶叶",
        &[],
        &[Top(1, Slug("hangzhou-mingxiang-tea"))],
    ),
    suppliers(
        "browsing unverified suppliers lists the four unverified ones",
        "",
        &[("verified", "false")],
        &[Every(Verified(false)), Total(4)],
    ),
    suppliers(
        "a misspelled trade (ceramcs) finds the ceramics maker",
        "ceramcs",
        &[],
        &[Top(1, Slug("foshan-ruisheng-ceramics"))],
    ),
    // --- Suggestions ---
    suggest("保温 completes to 保温杯", "保温", &[Suggests("保温杯")]),
    suggest(
        "stain completes to stainless",
        "stain",
        &[Suggests("stainless")],
    ),
    suggest(
        "蓝牙 completes to 蓝牙耳机",
        "蓝牙",
        &[Suggests("蓝牙耳机")],
    ),
    suggest("pow completes to power", "pow", &[Suggests("power")]),
    suggest("注塑 completes to 注塑机", "注塑", &[Suggests("注塑机")]),
    suggest(
        "the last word typed is completed: stainless st → steel",
        "stainless st",
        &[Suggests("steel")],
    ),
    suggest(
        "the last word typed is completed: LED pa → panel",
        "LED pa",
        &[Suggests("panel")],
    ),
    suggest(
        "full-width ＬＥ completes to led",
        "ＬＥ",
        &[Suggests("led")],
    ),
    suggest(
        "traditional 不鏽 completes to 不锈钢",
        "不鏽",
        &[Suggests("不锈钢")],
    ),
    suggest(
        "galv completes to galvanized",
        "galv",
        &[Suggests("galvanized")],
    ),
    suggest(
        "porc completes to porcelain",
        "porc",
        &[Suggests("porcelain")],
    ),
    suggest(
        "pinyin completes to the Chinese word it spells",
        "baow",
        &[Suggests("保温杯")],
    ),
    suggest(
        "pinyin typed by syllable completes too",
        "bao wen b",
        &[Suggests("保温杯")],
    ),
];

/// Percent-encodes everything but ASCII letters and digits.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn path(kind: Kind, q: &str, params: &[(&str, &str)]) -> String {
    let endpoint = match kind {
        Products => "/api/v1/search/products?limit=100",
        Suppliers => "/api/v1/search/suppliers?limit=100",
        Suggest => "/api/v1/search/suggest?limit=20",
    };
    let mut path = format!("{endpoint}&q={}", enc(q));
    for (name, value) in params {
        path.push_str(&format!("&{name}={}", enc(value)));
    }
    path
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn price(v: &Value) -> Option<f64> {
    v.as_str().and_then(|s| s.parse().ok())
}

/// The ids of the products in each category the cases name, found by browsing with the
/// category filter (search hits come back with an empty `category_id`; see `category_of`).
type Categories = HashMap<&'static str, HashSet<String>>;

/// A product or supplier hit, as the predicates see it.
struct Hit<'a>(&'a Value, Kind);

impl Hit<'_> {
    fn titles(&self) -> (&str, &str) {
        match self.1 {
            Products => (text(&self.0["title_zh"]), text(&self.0["title_en"])),
            _ => (text(&self.0["name"]), text(&self.0["english_name"])),
        }
    }

    fn company(&self) -> &Value {
        match self.1 {
            Products => &self.0["company"],
            _ => self.0,
        }
    }

    fn has_title(&self, title: &str) -> bool {
        let (zh, en) = self.titles();
        zh == title || en == title
    }

    fn title_contains(&self, needle: &str) -> bool {
        let (zh, en) = self.titles();
        let needle = needle.to_lowercase();
        zh.to_lowercase().contains(&needle) || en.to_lowercase().contains(&needle)
    }

    fn id(&self) -> &str {
        text(&self.0["id"])
    }

    /// The hit's category: its `category_id` when the index returns one, else the category
    /// whose browse listing holds it.
    fn category_of(&self, categories: &Categories) -> String {
        let id = text(&self.0["category_id"]);
        if !id.is_empty() {
            return id.to_owned();
        }
        categories
            .iter()
            .filter(|(_, ids)| ids.contains(self.id()))
            .map(|(cat, _)| *cat)
            .max_by_key(|cat| cat.len())
            .unwrap_or("?")
            .to_owned()
    }

    fn satisfies(&self, p: &Pred, categories: &Categories) -> bool {
        let c = self.company();
        match p {
            TitleHas(any) => any.iter().any(|n| self.title_contains(n)),
            TitleHasAll(all) => all.iter().all(|n| self.title_contains(n)),
            Category(cat) => {
                let id = text(&self.0["category_id"]);
                if id.is_empty() {
                    categories
                        .get(cat)
                        .is_some_and(|ids| ids.contains(self.id()))
                } else if cat.contains('.') {
                    id == *cat
                } else {
                    id.starts_with(&format!("{cat}."))
                }
            }
            Province(p) => text(&c["province"]) == *p,
            Verified(v) => c["verified"].as_bool() == Some(*v),
            MoqAtMost(max) => self.0["moq"].as_u64().is_some_and(|m| m <= *max),
            Price { currency, min, max } => {
                let (Some(lo), Some(hi)) =
                    (price(&self.0["price_min"]), price(&self.0["price_max"]))
                else {
                    return false;
                };
                text(&self.0["currency"]) == *currency
                    && max.is_none_or(|max| lo <= max)
                    && min.is_none_or(|min| hi >= min)
            }
            Slug(s) => text(&c["slug"]) == *s,
        }
    }

    fn describe(&self, categories: &Categories) -> String {
        let (zh, en) = self.titles();
        let title = match (zh.is_empty(), en.is_empty()) {
            (false, false) => format!("{zh} / {en}"),
            (false, true) => zh.to_owned(),
            _ => en.to_owned(),
        };
        let c = self.company();
        let mut out = format!("{title} [{}", text(&c["slug"]));
        if self.1 == Products {
            out.push_str(&format!(
                ", {}, moq {}, {} {}-{}",
                self.category_of(categories),
                self.0["moq"],
                text(&self.0["currency"]),
                text(&self.0["price_min"]),
                text(&self.0["price_max"]),
            ));
        }
        out.push(']');
        out
    }
}

/// The response body, or what went wrong (a search that fails is a failed case, not a stop).
async fn fetch(
    app: &TestApp,
    kind: Kind,
    q: &str,
    params: &[(&str, &str)],
) -> Result<Value, String> {
    let reply = app.get(&path(kind, q, params), None).await;
    if reply.status == 200 {
        Ok(reply.body)
    } else {
        Err(format!("HTTP {}: {}", reply.status, reply.body))
    }
}

/// Browses every category a case names, following the cursor.
async fn categories(app: &TestApp) -> Categories {
    let mut out = Categories::new();
    for case in CASES {
        for e in case.expect {
            let (Top(_, Category(cat)) | Every(Category(cat))) = e else {
                continue;
            };
            if out.contains_key(cat) {
                continue;
            }
            let mut ids = HashSet::new();
            let mut cursor = String::new();
            loop {
                let body = fetch(app, Products, "", &[("category", cat), ("cursor", &cursor)])
                    .await
                    .expect("browse by category");
                for item in body["items"].as_array().expect("items") {
                    ids.insert(text(&item["id"]).to_owned());
                }
                match body["next_cursor"].as_str() {
                    Some(next) => cursor = next.to_owned(),
                    None => break,
                }
            }
            assert!(!ids.is_empty(), "the demo catalog has products in {cat}");
            out.insert(cat, ids);
        }
    }
    out
}

fn top_titles(body: &Value, k: usize) -> Vec<String> {
    body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .take(k)
                .map(|h| {
                    let h = Hit(h, Products);
                    let (zh, en) = h.titles();
                    format!("{zh} / {en}")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks one case; returns what went wrong, if anything.
async fn check(app: &TestApp, case: &Case, categories: &Categories) -> Vec<String> {
    let body = match fetch(app, case.kind, case.q, case.params).await {
        Ok(body) => body,
        Err(e) => return vec![format!("the search failed: {e}")],
    };
    let mut problems = Vec::new();
    if case.kind == Suggest {
        let words: Vec<&str> = body["suggestions"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default();
        for e in case.expect {
            if let Suggests(word) = e
                && !words.contains(word)
            {
                problems.push(format!("expected the suggestion {word:?}; got {words:?}"));
            }
        }
        return problems;
    }
    let empty = Vec::new();
    let items = body["items"].as_array().unwrap_or(&empty);
    let hits: Vec<Hit> = items.iter().map(|h| Hit(h, case.kind)).collect();
    let total = body["total"].as_u64().unwrap_or(0) as usize;
    for e in case.expect {
        let problem = match e {
            Top(k, p) => {
                let bad: Vec<usize> = (0..*k)
                    .filter(|i| hits.get(*i).is_none_or(|h| !h.satisfies(p, categories)))
                    .map(|i| i + 1)
                    .collect();
                (!bad.is_empty()).then(|| {
                    format!("expected the top {k} all to satisfy {p:?}; positions {bad:?} do not")
                })
            }
            Every(p) => {
                if hits.is_empty() {
                    Some(format!("expected hits, all satisfying {p:?}; got none"))
                } else {
                    let bad: Vec<String> = hits
                        .iter()
                        .enumerate()
                        .filter(|(_, h)| !h.satisfies(p, categories))
                        .map(|(i, h)| format!("#{} {}", i + 1, h.describe(categories)))
                        .collect();
                    (!bad.is_empty()).then(|| {
                        let more = bad.len().saturating_sub(5);
                        let shown = &bad[..bad.len().min(5)];
                        let more = if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        };
                        format!(
                            "expected every hit to satisfy {p:?}; these do not: {shown:#?}{more}"
                        )
                    })
                }
            }
            First(title) => (!hits.first().is_some_and(|h| h.has_title(title)))
                .then(|| format!("expected result 1 to be {title:?}")),
            Within(k, title) => (!hits.iter().take(*k).any(|h| h.has_title(title)))
                .then(|| format!("expected {title:?} within the top {k}")),
            NoTitle(title) => hits
                .iter()
                .position(|h| h.has_title(title))
                .map(|i| format!("expected no hit titled {title:?}; it is #{}", i + 1)),
            Total(n) => (total != *n).then(|| format!("expected {n} matches; got {total}")),
            AllTerms => (body["matched_all_terms"] != true).then(|| {
                "expected every query word to match; it fell back to partial matches".to_owned()
            }),
            SameTopAs(k, other) => match fetch(app, case.kind, other, case.params).await {
                Err(e) => Some(format!("the search for {other:?} failed: {e}")),
                Ok(other_body) => {
                    let mine = top_titles(&body, *k);
                    let theirs = top_titles(&other_body, *k);
                    (mine != theirs || mine.len() < *k).then(|| {
                        format!("expected the same top {k} as {other:?}, which has {theirs:?}")
                    })
                }
            },
            TopSuppliers(k, slugs) => {
                let mut got: Vec<&str> = hits
                    .iter()
                    .take(*k)
                    .map(|h| text(&h.company()["slug"]))
                    .collect();
                got.sort_unstable();
                let mut want = slugs.to_vec();
                want.sort_unstable();
                (got != want).then(|| format!("expected the top {k} suppliers to be {want:?}"))
            }
            Suggests(_) => None,
        };
        problems.extend(problem);
    }
    if !problems.is_empty() || verbose() {
        let top: Vec<String> = hits
            .iter()
            .take(if problems.is_empty() { 6 } else { 5 })
            .enumerate()
            .map(|(i, h)| format!("      {}. {}", i + 1, h.describe(categories)))
            .collect();
        let got = format!(
            "got {total} matches (matched_all_terms: {}), top {}:\n{}",
            body["matched_all_terms"],
            top.len(),
            top.join("\n")
        );
        if problems.is_empty() {
            eprintln!("ok {:?} q={:?} {:?}: {got}", case.kind, case.q, case.params);
        } else {
            problems.push(got);
        }
    }
    problems
}

fn verbose() -> bool {
    std::env::var_os("RELEVANCE_VERBOSE").is_some_and(|v| !v.is_empty() && v != "0")
}

async fn demo_catalog_relevance(b: Backend) {
    let app = TestApp::spawn(b).await;
    app.with_db(|conn| domain::demo::load(conn).expect("demo loads"))
        .await;
    app.wait_for_index().await;
    assert!(CASES.len() >= 50, "the suite has {} cases", CASES.len());
    let categories = categories(&app).await;
    let mut failures = Vec::new();
    for (n, case) in CASES.iter().enumerate() {
        let problems = check(&app, case, &categories).await;
        if !problems.is_empty() {
            failures.push(format!(
                "case {} ({:?} q={:?} {:?}): {}\n    {}",
                n + 1,
                case.kind,
                case.q,
                case.params,
                case.what,
                problems.join("\n    ")
            ));
        }
    }
    eprintln!(
        "relevance on {b:?}: {} of {} cases pass",
        CASES.len() - failures.len(),
        CASES.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} relevance cases failed on {b:?}:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n\n")
    );
}

both_backends!(demo_catalog_relevance);

mod kinds;
