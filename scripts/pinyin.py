#!/usr/bin/env python3
"""Build data/pinyin-syllables.txt: every toneless Hanyu Pinyin syllable with a vowel, from
the readings in pypinyin's character dictionary (PyPI `pypinyin`, MIT licence).

tvcheck uses it to tell a different Chinese name from a misspelling: "huawen" (hua-wen) and
"dahuan" (da-huan) read as syllables just as "huawei" and "dahua" do, so they are other
names, not typos; "hauwei" does not read as syllables, so it is a typo.
Usage: pip install pypinyin==0.55.0 && python3 scripts/pinyin.py data/pinyin-syllables.txt
"""
import re
import sys
import unicodedata

import pypinyin
from pypinyin import pinyin_dict

OUT = sys.argv[1] if len(sys.argv) > 1 else "pinyin-syllables.txt"
syllables = set()
for readings in pinyin_dict.pinyin_dict.values():
    for p in readings.split(","):
        s = unicodedata.normalize("NFKD", p)
        s = "".join(c for c in s if not unicodedata.combining(c)).lower().replace("ü", "v")
        if re.fullmatch("[a-z]+", s) and re.search("[aeiouv]", s):
            syllables.add(s)
with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
    fh.write(f"# Toneless Hanyu Pinyin syllables (u-umlaut as v), from pypinyin {pypinyin.__version__}\n")
    fh.write("# (MIT licence) by scripts/pinyin.py.\n")
    for s in sorted(syllables):
        fh.write(s + "\n")
print(f"{len(syllables)} syllables", file=sys.stderr)
