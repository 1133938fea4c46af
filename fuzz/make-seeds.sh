#!/usr/bin/env bash
# Rebuilds the seed corpora in fuzz/corpus/<target>/ from the repository's fixtures and a
# few hand-made files. Run from anywhere; needs python3 (for splitting the name list).
set -euo pipefail
cd "$(dirname "$0")"
root=..
c=corpus
rm -rf "$c"
mkdir -p "$c"/{csv_inventory,toml_inventory,json_inventory,workbook,registry_import,policy,waivers,normalize_match}

# --- CSV inventories: the examples and hand-made edge cases.
cp "$root"/data/examples/*.csv "$c"/csv_inventory/
cp "$root"/data/countries/iso3166.csv "$c"/csv_inventory/iso3166.csv
w() { printf "$2" > "$c/$1"; }
w csv_inventory/semicolon.csv 'Hersteller;Modell;Menge\nHuawei;BBU5900;2\nZTE;"ZXR10; 9904";1\n'
w csv_inventory/tab.csv 'vendor\tmodel\tqty\nNokia\tAirScale\t3\n'
w csv_inventory/bom-crlf.csv '\xef\xbb\xbfvendor,model\r\nHuawei,"a\r\nb"\r\n\r\nZTE,F660\r\n'
w csv_inventory/quoted.csv 'vendor,model,notes\n"Huawei ""Tech""","x,y","line one\nline two"\nZTE,,\n'
w csv_inventory/blank-lines.csv '\n\nvendor,site\n\n\nHikvision,Vilnius\n\n'
w csv_inventory/ragged.csv 'vendor,model\nHuawei\nZTE,F660,extra\n'
w csv_inventory/unbalanced.csv 'vendor,model\n"Huawei,BBU\nZTE,F660\n'
w csv_inventory/quantity.csv 'vendor,quantity\nZTE,1_000\nNokia,lots\n'
w csv_inventory/latin1.csv 'vendor\nSoci\xe9t\xe9\n'
w csv_inventory/cr-only.csv 'vendor,model\rHuawei,BBU\rZTE,F660\r'
w csv_inventory/columns.csv 'Manufacturer,Part Number,S/N,Location,Network Domain,Qty,Country of Origin,Install Date,Intended Use\nDahua,IPC-HFW1230S,123,Kaunas,access,2,CN,2020-09-01,public-safety\n'
w csv_inventory/no-vendor.csv 'model,serial\nBBU5900,1\n'
w csv_inventory/utf16.csv '\xff\xfev\x00e\x00n\x00d\x00o\x00r\x00\n\x00'

# --- TOML inventories.
cp "$root"/data/examples/*.toml "$c"/toml_inventory/
w toml_inventory/inline.toml 'asset = [{vendor = "ZTE", model = "F660"}, {vendor = "Huawei", qty = 2}]\n'
w toml_inventory/types.toml '[[asset]]\nvendor = "ZTE"\nquantity = "lots"\n[[asset]]\nvendor = 42\n'
w toml_inventory/extra.toml '[[asset]]\nasset_id = 7\nvendor = " Huawei "\ninstalled = 2020-01-01\nowner = true\nweight = 1.5\nwhen = 1979-05-27T07:32:00Z\n'
w toml_inventory/not-inventory.toml '[[waiver]]\nid = "W1"\n'
w toml_inventory/bad.toml '[[asset]]\nvendor = "ZTE"\nmodel = "F660\n'

# --- JSON inventories and CycloneDX BOMs (also read as JSON Lines by the same target).
cp "$root"/tests/fixtures/cyclonedx/*.json "$c"/json_inventory/
w json_inventory/array.json '[\n {"vendor": "Huawei", "model": "BBU5900", "qty": "2 pcs"},\n {"Manufacturer": "ZTE", "serial": 12}\n]\n'
w json_inventory/lines.json '{"vendor": "Huawei"}\n{"vendor": "ZTE", "qty": 1.5}\n'
w json_inventory/duplicate.json '[{"vendor": "Huawei", "vend\\u006fr": "Nokia"}]\n'
w json_inventory/untyped.json '{"bomFormat": "CycloneDX", "components": [{"name": "x", "bom-ref": "r"}, {"type": "device", "name": "y", "supplier": {"name": "ZTE"}}]}\n'

# --- Workbooks: the fixtures (xlsx, ods, xls).
cp "$root"/tests/fixtures/workbooks/*.xlsx "$root"/tests/fixtures/workbooks/*.ods \
  "$root"/tests/fixtures/workbooks/*.xls "$c"/workbook/

# --- Registry import files: the curated registry, its CSV export and hand-made CSV.
cp "$root"/data/registry/*.toml "$c"/registry_import/
if [ -x "$root"/target/debug/tvcheck ]; then
  "$root"/target/debug/tvcheck registry export --format csv -o "$c"/registry_import/export.csv
fi
w registry_import/small.csv 'id,name,country,aliases,model_patterns,parent,lists\nacme,Acme Ltd.,CN,Acme|ACME Co,AC-*,,\nacme-sub,Acme Sub,CN,,,acme,\n'
w registry_import/long.csv 'kind,id,vendor,list,name,title,jurisdiction,aliases,model_patterns,parent,parent_until,listed_on,scope,purposes,basis,source,notes,delisted_on,delisted_reason\nlisting,,a,l1,,,,,,,,2021-03-12,purpose-limited,public-safety|a\\|b,,,,2022-01-01,Ruling\nlist,l1,,,,\x27=L,LT,,,,,,,,b,s,,,\nvendor,a,,,\x27-A,,,A\\\\B|\x27\x27=C,AC\\\\*,b,2020-11-17,,,,,,"two\nlines",,\nvendor,b,,,B,,,,,,,,,,,,,,\n'
w registry_import/mixed.toml '[[list]]\nid = "l1"\ntitle = "L"\njurisdiction = "LT"\nbasis = "b"\nsource = "s"\n\n[[vendor]]\nid = "a"\nname = "A"\ncountry = "CN"\nparent = "b"\nparent_until = 2020-11-17\n[[vendor.listing]]\nlist = "l1"\nlisted_on = 2021-03-12\nscope = "purpose-limited"\npurposes = ["public-safety"]\n\n[[vendor]]\nid = "b"\nname = "B"\n'

# --- Policies: the shipped ones.
cp "$root"/policies/*.toml "$c"/policy/

# --- Waivers.
w waivers/full.toml '[[waiver]]\nid = "W-2026-017"\nasset_id = "P1"\npolicy = "lt-5g"\nrule = "r"\nreason = "Replacement contracted"\napproved_by = "RRT"\nreference = "Decision 2026/17"\nexpires = 2026-12-31\n\n[[waiver]]\nid = "W-2025-003"\nvendor = "zte"\nsite = "kaunas"\nmodel = "F6*"\nserial = "X"\nreason = "r"\napproved_by = "RRT"\nexpires = 2026-03-31\n'
w waivers/no-scope.toml '[[waiver]]\nid = "W1"\nreason = "r"\napproved_by = "a"\nexpires = 2026-02-30\n'

# --- Names: every string of the matching evaluation set, one per file, and some odd ones.
python3 - "$root"/tests/data/matching-eval.csv "$c"/normalize_match <<'PY'
import csv, sys, os
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))[1:]
for i, r in enumerate(rows):
    with open(os.path.join(sys.argv[2], f"eval-{i:04}"), "w", encoding="utf-8") as f:
        f.write(r[0])
odd = ["Z.T.E. Corp.", "ＨＵＡＷＥＩ", "华为技术有限公司", "ООО Касперский", "HuaweiTe",
       "Hik Vision\0DS-2CD2143G2-I", "Škoda s.r.o.", "Co., Ltd.", "İSTANBUL", "ǅemal",
       # Disguises (issue 14 part 4): look-alike letters, invisible code points, bidi.
       "\u041duawei", "\u04bauawei", "HU\u0410W\u0415I", "\u0396\u03a4\u0395",
       "Hikvisi\u043en", "Hua\u200bwei", "\u202eiewauH", "Z\u0422\u0415",
       "\u039f\u03a4\u0395", "\u0410\u041e \u00ab\u041b\u0430\u0431o\u0440\u0430\u0442\u043e\u0440\u0438\u044f \u041a\u0430\u0441\u043f\u0435\u0440\u0441\u043a\u043e\u0433\u043e\u00bb",
       "Acme \u2067\u202eETZ\u202c\u2069 Ltd", "\u041duaw\u0435l\0DS-2CD\u200b2143G2-I"]
for i, s in enumerate(odd):
    with open(os.path.join(sys.argv[2], f"odd-{i:02}"), "w", encoding="utf-8") as f:
        f.write(s)
PY
du -sh "$c"/*
