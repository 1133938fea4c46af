//! Deterministic generator of large CSV inventories for the benchmarks (issue 7).
//!
//! ```sh
//! cargo run --release --example gen_inventory -- --rows 1000000 --seed 42 --out inv.csv
//! ```
//!
//! Columns: `asset_id,vendor,model,serial,site,domain,quantity,installed,owner`. About
//! `--listed` (default 10 %) of the rows come from designated vendors: nine in ten in messy
//! spellings (case, legal forms in many languages, full-width letters, dotted acronyms,
//! typos, CJK and Cyrillic names, subsidiaries), one in ten as Hikvision or Dahua model
//! numbers under reseller names. The rest follow a Zipf-like distribution over well-known
//! vendors and a long tail of `--tail` (default 50,000) distinct synthetic company names.
//! The same `--rows` and `--seed` always give the same bytes.
//!
//! `--distinct-models` gives the variant of issue 18 where most model strings are distinct,
//! as in discovery exports that append an order code or hardware revision to the model: the
//! same rows, except that a share of the model strings (`--distinct-share`, default 0.494)
//! carry an 8-character code drawn from a separate random stream ("BBU5900 7KQ2M9XA"). At
//! 1,000,000 rows (seed 42) about 566,000 model strings are distinct, against about 99,000
//! without it. Without the option the output is the same bytes as before it existed.

mod bench_common;

use std::fs::File;
use std::io::{BufWriter, Write};

use bench_common::{company_name, synthetic_model, Res, Rng, Weighted, CORES};

/// A family of vendor spellings sharing a model catalogue.
struct Family {
    spellings: &'static [&'static str],
    models: &'static [&'static str],
}

/// Designated vendors, with their weight among the listed rows.
const LISTED: &[(f64, Family)] = &[
    (
        0.42,
        Family {
            spellings: &[
                "Huawei",
                "HUAWEI TECHNOLOGIES CO.,LTD",
                "Huawei Technologies Co., Ltd.",
                "HUAWEI",
                "Huawei Tech.",
                "huawei",
                "Huawei Technologies",
                "Hauwei",
                "ＨＵＡＷＥＩ",
                "华为技术有限公司",
                "Huawei Technologies Co. Ltd",
                "Huawei Technologies Deutschland GmbH",
                "Huawei Technologies Sweden AB",
                "UAB Huawei Technologies Lietuva",
                "Huawei Technologies Polska Sp. z o.o.",
                "Huawei Technologies España S.L.",
                "ООО Техкомпания Хуавэй",
                "HuaweiTech",
                " Huawei ",
                "Huawie",
                "Huawei Technologies Company",
                "华为",
            ],
            models: &[
                "BBU5900",
                "RRU5904",
                "AAU5613",
                "OptiX OSN 1800",
                "OptiX RTN 950",
                "NE40E-X8",
                "S5735-L48T4X",
                "CloudEngine 6881",
                "ATN 910C",
                "BTS3900",
                "MA5800-X7",
            ],
        },
    ),
    (
        0.18,
        Family {
            spellings: &[
                "ZTE",
                "Z.T.E.",
                "ZTE Corporation",
                "zte corp",
                "ZTE CORPORATION",
                "Z.T.E. Corp.",
                "ＺＴＥ",
                "ZTE Deutschland GmbH",
                "中兴通讯股份有限公司",
                "Zhongxing Telecom",
                "ZET",
                "ZTE Corp",
            ],
            models: &[
                "ZXR10 5960",
                "ZXSDR B8200",
                "ZXCTN 6180H",
                "ZXA10 C600",
                "R8998",
                "ZXMP M721",
            ],
        },
    ),
    (
        0.16,
        Family {
            spellings: &[
                "Hikvision",
                "hikvision",
                "HIKVISION",
                "Hik Vision",
                "Hangzhou Hikvision Digital Technology Co., Ltd.",
                "Hik-Vision",
                "Hikvision Digital Technology",
                "HIKVISION Europe B.V.",
                "Hikvison",
                "杭州海康威视数字技术股份有限公司",
                "HikVision",
                "Hikvision Deutschland GmbH",
            ],
            models: &[
                "DS-2CD2143G0-I",
                "DS-2CD2043G2-I",
                "DS-2DE4425IW-DE",
                "DS-7608NI-K2",
                "DS-2CE76D0T-ITPFS",
                "DS-2CD2347G2-LU",
            ],
        },
    ),
    (
        0.12,
        Family {
            spellings: &[
                "Dahua",
                "Zhejiang Dahua Technology Co., Ltd.",
                "DAHUA",
                "Dahua Technology",
                "Dahua Technology Co.,Ltd",
                "Dahua Tech",
                "Dahau",
                "浙江大华技术股份有限公司",
                "Dahua Technology GmbH",
                "Dahua Technology Poland Sp. z o.o.",
            ],
            models: &[
                "IPC-HFW1230S-S4",
                "IPC-HDW2431T-AS",
                "DH-XVR5108HS",
                "DHI-NVR4208-4KS2",
                "HAC-HFW1200R",
                "IPC-HDBW2231E-S",
            ],
        },
    ),
    (
        0.04,
        Family {
            spellings: &[
                "Hytera",
                "Hytera Communications Corp. Ltd.",
                "HYTERA",
                "Hytera Mobilfunk GmbH",
                "海能达通信股份有限公司",
            ],
            models: &["PD985", "HP785", "DS-6250", "MT680 Plus"],
        },
    ),
    (
        0.02,
        Family {
            spellings: &["EZVIZ", "Ezviz Inc.", "ezviz"],
            models: &["C6N", "C3W Pro", "CS-C8C"],
        },
    ),
    (
        0.02,
        Family {
            spellings: &["DJI", "D.J.I.", "SZ DJI Technology Co., Ltd.", "dji"],
            models: &["Matrice 300 RTK", "Mavic 3 Enterprise", "M30T"],
        },
    ),
    (
        0.02,
        Family {
            spellings: &[
                "Kaspersky Lab",
                "AO Kaspersky Lab",
                "Лаборатория Касперского",
                "KASPERSKY",
            ],
            models: &["KICS for Networks", "KATA Sensor"],
        },
    ),
    (
        0.02,
        Family {
            spellings: &[
                "China Telecom (Americas) Corp.",
                "China Mobile International USA Inc.",
                "China Unicom (Americas) Operations Limited",
            ],
            models: &["IPLC 10G", "MPLS VPN CPE"],
        },
    ),
];

/// Resellers that sell relabelled Hikvision and Dahua equipment.
const RESELLERS: &[&str] = &[
    "Provision-ISR",
    "Annke",
    "LTS Security",
    "Advidia",
    "Amcrest",
    "Q-See",
    "Honeywell Security",
    "Interlogix",
    "Montavue",
    "Acme Security Integrators Ltd",
    "Securitas Technology",
    "Lorex",
];

/// Relabelled models (Hikvision and Dahua model numbers).
const OEM_MODELS: &[&str] = &[
    "DS-2CD2143G0-I",
    "DS-2CD2043G2-I",
    "DS-7608NI-K2",
    "IPC-HFW1230S-S4",
    "IPC-HDW2431T-AS",
    "DH-XVR5108HS",
];

/// Well-known vendors, most frequent first (they head the Zipf ranking).
const HEAD: &[Family] = &[
    Family {
        spellings: &["Ericsson", "Telefonaktiebolaget LM Ericsson", "ERICSSON AB"],
        models: &[
            "AIR 6449",
            "AIR 3268",
            "Baseband 6630",
            "Radio 4415",
            "Router 6675",
            "MINI-LINK 6352",
        ],
    },
    Family {
        spellings: &["Nokia", "Nokia Solutions and Networks Oy", "NOKIA"],
        models: &[
            "AirScale BTS",
            "7750 SR-1",
            "1830 PSS-16",
            "AirScale RRH",
            "7250 IXR-e",
        ],
    },
    Family {
        spellings: &["Cisco", "Cisco Systems, Inc.", "CISCO SYSTEMS"],
        models: &[
            "ASR 9001",
            "Catalyst 9300-48P",
            "NCS 540",
            "ISR 4331",
            "Nexus 93180YC-FX",
        ],
    },
    Family {
        spellings: &["Juniper Networks", "Juniper", "JUNIPER NETWORKS INC"],
        models: &["MX204", "ACX710", "EX4300-48T", "PTX10001-36MR"],
    },
    Family {
        spellings: &["Samsung", "Samsung Electronics Co., Ltd."],
        models: &["CDU30 vRAN", "MMU 64T64R", "Link Hub"],
    },
    Family {
        spellings: &["Hewlett Packard Enterprise", "HPE", "Aruba, a HPE company"],
        models: &["Aruba 6300M", "ProLiant DL380 Gen10", "Aruba AP-535"],
    },
    Family {
        spellings: &["Ciena", "Ciena Corporation"],
        models: &["6500 T-Series", "5170", "Waveserver 5"],
    },
    Family {
        spellings: &["Arista Networks", "Arista"],
        models: &["7050SX3-48YC8", "7280R3"],
    },
    Family {
        spellings: &["Fortinet", "Fortinet Inc."],
        models: &["FortiGate 600E", "FortiSwitch 448E"],
    },
    Family {
        spellings: &["Dell Technologies", "Dell EMC", "DELL"],
        models: &["PowerEdge R750", "PowerSwitch S5248F"],
    },
    Family {
        spellings: &["NEC Corporation", "NEC"],
        models: &["iPASOLINK 200", "NLite E"],
    },
    Family {
        spellings: &["Fujitsu", "Fujitsu Limited"],
        models: &["1FINITY T600", "FLASHWAVE 9500"],
    },
    Family {
        spellings: &["Axis Communications AB", "AXIS"],
        models: &["P3245-V", "M3106-L Mk II", "Q6075-E"],
    },
    Family {
        spellings: &["Teltonika", "UAB Teltonika Networks"],
        models: &["RUT955", "RUTX11"],
    },
    Family {
        spellings: &["MikroTik", "SIA Mikrotīkls"],
        models: &["CCR2004-16G-2S+", "hAP ac2"],
    },
    Family {
        spellings: &["Siemens AG", "Siemens"],
        models: &["RUGGEDCOM RX1500", "SCALANCE XC208"],
    },
    Family {
        spellings: &["ADVA Optical Networking SE", "Adtran Networks SE"],
        models: &["FSP 3000", "FSP 150-XG118Pro"],
    },
    Family {
        spellings: &["Palo Alto Networks", "Palo Alto Networks, Inc."],
        models: &["PA-3220", "PA-5450"],
    },
    Family {
        spellings: &["Ubiquiti Inc.", "Ubiquiti"],
        models: &["UniFi U6-Pro", "EdgeRouter 12"],
    },
    Family {
        spellings: &["Rohde & Schwarz GmbH & Co. KG"],
        models: &["R&S SDR4000"],
    },
    Family {
        spellings: &["Extreme Networks"],
        models: &["X465-48T", "SLX 9150"],
    },
    Family {
        spellings: &["Infinera"],
        models: &["GX G30", "XTC-10"],
    },
    Family {
        spellings: &["CommScope", "Andrew (CommScope)"],
        models: &["NWAV-465DS-R2", "ION-E"],
    },
];

/// Site codes: airport-style city codes.
const CITIES: &[&str] = &[
    "VNO", "KUN", "KLJ", "SQQ", "PNV", "ALY", "RIX", "TLL", "WAW", "BER", "PRG", "HEL",
];

const SITE_KINDS: &[&str] = &["Core", "Site", "Agg", "DC", "POP", "Hub"];

/// (weight, value) of the domain column; "unknown" and empty for items nobody classified.
const DOMAINS: &[(f64, &str)] = &[
    (0.34, "ran"),
    (0.20, "access"),
    (0.16, "transport"),
    (0.10, "core"),
    (0.10, "management"),
    (0.06, "unknown"),
    (0.04, ""),
];

const OWNERS: &[&str] = &[
    "RAN",
    "Core",
    "Transport",
    "IT Sec",
    "NOC",
    "Access",
    "Facilities",
    "",
];

const SERIAL_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";

struct Args {
    rows: u64,
    seed: u64,
    out: String,
    tail: usize,
    listed: f64,
    /// The share of rows whose model carries an order code (`--distinct-models`), if any.
    distinct: Option<f64>,
}

/// The default `--distinct-share`: about 566,000 distinct models in 1,000,000 rows, as in
/// the inventory issue 18 measured.
const DISTINCT_SHARE: f64 = 0.494;

fn usage() -> String {
    "usage: gen_inventory --rows N [--seed S] --out FILE|- [--tail NAMES] [--listed FRACTION] \
     [--distinct-models [--distinct-share FRACTION]]"
        .to_string()
}

fn parse_args() -> Res<Args> {
    let mut args = Args {
        rows: 0,
        seed: 42,
        out: String::new(),
        tail: 50_000,
        listed: 0.10,
        distinct: None,
    };
    let mut distinct_models = false;
    let mut distinct_share = DISTINCT_SHARE;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{a} needs a value\n{}", usage()))
        };
        match a.as_str() {
            "--rows" => args.rows = value()?.replace('_', "").parse()?,
            "--seed" => args.seed = value()?.parse()?,
            "--out" => args.out = value()?,
            "--tail" => args.tail = value()?.parse()?,
            "--listed" => args.listed = value()?.parse()?,
            "--distinct-models" => distinct_models = true,
            "--distinct-share" => distinct_share = value()?.parse()?,
            "-h" | "--help" => {
                println!("{}", usage());
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}\n{}", usage()).into()),
        }
    }
    if args.out.is_empty() {
        return Err(format!("--out is required\n{}", usage()).into());
    }
    if args.tail == 0 || args.tail > CORES {
        return Err(format!("--tail must be between 1 and {CORES}").into());
    }
    if !(0.0..=1.0).contains(&args.listed) {
        return Err("--listed must be a fraction between 0 and 1".into());
    }
    if !(0.0..=1.0).contains(&distinct_share) {
        return Err("--distinct-share must be a fraction between 0 and 1".into());
    }
    if distinct_models {
        args.distinct = Some(distinct_share);
    }
    Ok(args)
}

/// Everything needed to draw rows.
struct Gen {
    rng: Rng,
    listed_family: Weighted,
    listed_spelling: Vec<Weighted>,
    /// Ranks: first every spelling of HEAD (family-major), then the tail.
    ranks: Weighted,
    head: Vec<(usize, usize)>,
    domains: Weighted,
    tail_models: usize,
    listed_share: f64,
    /// `--distinct-models`: a separate stream (so every other column, and the rows without
    /// a code, stay as without the option) and the share of models that get a code.
    distinct: Option<(Rng, f64)>,
}

impl Gen {
    fn new(args: &Args) -> Gen {
        let head: Vec<(usize, usize)> = (0..3)
            .flat_map(|s| {
                HEAD.iter()
                    .enumerate()
                    .filter(move |(_, f)| s < f.spellings.len())
                    .map(move |(i, _)| (i, s))
            })
            .collect();
        Gen {
            rng: Rng::new(args.seed, 1),
            listed_family: Weighted::new(LISTED.iter().map(|(w, _)| *w)),
            listed_spelling: LISTED
                .iter()
                .map(|(_, f)| Weighted::zipf(f.spellings.len(), 0.8))
                .collect(),
            ranks: Weighted::zipf(head.len() + args.tail, 1.0),
            head,
            domains: Weighted::new(DOMAINS.iter().map(|(w, _)| *w)),
            tail_models: 3,
            listed_share: args.listed,
            distinct: args.distinct.map(|share| (Rng::new(args.seed, 3), share)),
        }
    }

    /// (vendor, model) of the next row.
    fn vendor_model(&mut self) -> (String, String) {
        let r = &mut self.rng;
        if r.chance(self.listed_share) {
            if r.chance(0.1) {
                return (
                    r.pick(RESELLERS).to_string(),
                    r.pick(OEM_MODELS).to_string(),
                );
            }
            let f = self.listed_family.sample(r);
            let fam = &LISTED[f].1;
            let s = self.listed_spelling[f].sample(r);
            return (fam.spellings[s].to_string(), r.pick(fam.models).to_string());
        }
        let rank = self.ranks.sample(r);
        if let Some(&(fi, si)) = self.head.get(rank) {
            let fam = &HEAD[fi];
            return (
                fam.spellings[si].to_string(),
                r.pick(fam.models).to_string(),
            );
        }
        let i = rank - self.head.len();
        let variant = r.below(self.tail_models);
        (company_name(i), synthetic_model(i, variant))
    }
}

fn main() -> Res<()> {
    let args = parse_args()?;
    let sink: Box<dyn Write> = if args.out == "-" {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(File::create(&args.out).map_err(|e| format!("{}: {e}", args.out))?)
    };
    let mut w = csv::WriterBuilder::new().from_writer(BufWriter::with_capacity(1 << 20, sink));
    w.write_record([
        "asset_id",
        "vendor",
        "model",
        "serial",
        "site",
        "domain",
        "quantity",
        "installed",
        "owner",
    ])?;
    let mut g = Gen::new(&args);
    let mut serial = String::with_capacity(12);
    for row in 0..args.rows {
        let (vendor, mut model) = g.vendor_model();
        if let Some((r, share)) = &mut g.distinct {
            if r.chance(*share) {
                model.push(' ');
                for _ in 0..8 {
                    model.push(char::from(*r.pick(SERIAL_CHARS)));
                }
            }
        }
        let r = &mut g.rng;
        let asset_id = format!("A{:07}", row + 1);
        serial.clear();
        for _ in 0..8 {
            serial.push(char::from(*r.pick(SERIAL_CHARS)));
        }
        let site_max = if r.chance(0.2) { 9 } else { 400 };
        let site = format!(
            "{}-{}-{}",
            r.pick(CITIES),
            r.pick(SITE_KINDS),
            1 + r.below(site_max)
        );
        let domain = DOMAINS[g.domains.sample(r)].1;
        let quantity = if r.chance(0.8) {
            1 + r.below(4)
        } else {
            1 + r.below(64)
        };
        let installed = if r.chance(0.05) {
            String::new()
        } else {
            format!(
                "{}-{:02}-{:02}",
                2012 + r.below(14),
                1 + r.below(12),
                1 + r.below(28)
            )
        };
        let owner = r.pick(OWNERS);
        w.write_record([
            asset_id.as_str(),
            vendor.as_str(),
            model.as_str(),
            serial.as_str(),
            site.as_str(),
            domain,
            quantity.to_string().as_str(),
            installed.as_str(),
            owner,
        ])?;
    }
    w.flush()?;
    Ok(())
}
