//! Shared by the benchmark examples (`gen_inventory`, `gen_registry`, `parse_floor`): a small
//! deterministic PRNG, synthetic company names, and the vendor spellings used in the
//! benchmark data. Not an example itself (Cargo only builds `examples/*.rs` and
//! `examples/*/main.rs`); each example includes it with `mod bench_common;`.
//!
//! Everything here is deterministic: the same seed gives the same bytes on every machine.

// Each example uses a different part of this module.
#![allow(dead_code)]

use std::error::Error;

/// Result type of the examples.
pub type Res<T> = Result<T, Box<dyn Error>>;

/// SplitMix64 (to seed) feeding xoshiro256**: fast, good enough statistically, and fully
/// specified here so that the data never depends on a crate's version.
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for `seed` and a `stream` number (different streams are independent).
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut x = seed ^ stream.wrapping_mul(0xD605_BBB5_8C8A_BBA5);
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng {
            s: [next(), next(), next(), next()],
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A uniform float in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform integer in [0, n) (n > 0); the tiny modulo bias does not matter here.
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 32).wrapping_mul(n as u64) >> 32) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// A uniformly chosen element.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Sampling from a fixed discrete distribution by binary search in its cumulative weights.
pub struct Weighted {
    cdf: Vec<f64>,
}

impl Weighted {
    /// From non-negative weights (at least one positive).
    pub fn new(weights: impl IntoIterator<Item = f64>) -> Weighted {
        let mut total = 0.0;
        let mut cdf: Vec<f64> = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        for c in &mut cdf {
            *c /= total;
        }
        Weighted { cdf }
    }

    /// Zipf-like weights 1/(rank+1)^s for `n` ranks.
    pub fn zipf(n: usize, s: f64) -> Weighted {
        Weighted::new((0..n).map(|r| 1.0 / ((r + 1) as f64).powf(s)))
    }

    /// An index drawn with the given weights.
    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.f64();
        self.cdf
            .partition_point(|&c| c <= u)
            .min(self.cdf.len() - 1)
    }
}

/// Syllables of synthetic company names. 42 of them: three make a core word, so the
/// first 42³ = 74,088 indices give distinct cores.
const SYLLABLES: &[&str] = &[
    "vel", "kor", "tra", "mon", "dex", "lin", "sar", "vio", "nex", "tal", "ber", "qui", "ran",
    "sol", "mar", "tek", "ora", "pel", "zan", "gal", "fen", "dur", "lum", "rix", "cal", "bri",
    "ost", "nor", "vak", "ely", "sum", "pra", "tin", "gro", "hal", "jor", "kes", "lor", "mik",
    "pon", "rud", "wen",
];

/// How many distinct cores [`core_word`] can make.
pub const CORES: usize = 42 * 42 * 42;

/// Generic words that follow a core in company names.
const SECTOR_WORDS: &[&str] = &[
    "Networks",
    "Systems",
    "Telecom",
    "Technologies",
    "Electronics",
    "Solutions",
    "Communications",
    "Industries",
    "Engineering",
    "Group",
    "Digital",
    "Connect",
    "Optics",
    "Security",
    "Infrastructure",
    "Wireless",
];

/// Legal forms of many countries, as they are written in inventories.
pub const LEGAL_FORMS: &[&str] = &[
    "GmbH",
    "Ltd",
    "Ltd.",
    "Limited",
    "Inc.",
    "Inc",
    "LLC",
    "Corp.",
    "Corporation",
    "Co., Ltd.",
    "Co.,Ltd",
    "S.A.",
    "SA",
    "S.p.A.",
    "S.r.l.",
    "SAS",
    "S.L.",
    "B.V.",
    "N.V.",
    "AG",
    "AB",
    "Oy",
    "Oyj",
    "AS",
    "ASA",
    "ApS",
    "UAB",
    "SIA",
    "OÜ",
    "Sp. z o.o.",
    "s.r.o.",
    "Kft.",
    "Pty Ltd",
    "Pte. Ltd.",
    "K.K.",
    "PLC",
    "ООО",
    "АО",
    "有限公司",
];

/// A bijective scramble of `i` within [0, CORES), so consecutive indices give unrelated
/// names (CORES = 2³ · 3³ · 7³; an affine map with a unit multiplier is a bijection).
fn scramble(i: usize) -> usize {
    (i.wrapping_mul(48_413) + 9_973) % CORES
}

/// The core word of synthetic company `i` (i < CORES): three syllables, capitalised.
/// Distinct `i` give distinct cores.
pub fn core_word(i: usize) -> String {
    let mut k = scramble(i % CORES);
    let mut word = String::with_capacity(9);
    for _ in 0..3 {
        word.push_str(SYLLABLES[k % 42]);
        k /= 42;
    }
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => word,
    }
}

/// Endings of registry cores: six letters or more, none starting with a syllable, so that a
/// registry core (two syllables and an ending, 12 letters or more) is at least three edits
/// away from every inventory core (three syllables, 9 letters) and never extends one.
const ENDINGS: &[&str] = &[
    "tronix", "matics", "sphere", "plexus", "strata", "photon", "quanta", "netron",
];

/// How many distinct cores [`registry_core_word`] can make.
pub const REGISTRY_CORES: usize = 42 * 42 * 8;

/// The core word of synthetic registry company `i` (i < REGISTRY_CORES), e.g.
/// "Velkortronix": distinct for distinct `i`, and never a near miss of a [`core_word`], so
/// the inventory's long tail matches no generated registry entry, not even fuzzily.
pub fn registry_core_word(i: usize) -> String {
    // 14,112 = 2⁵ · 3² · 7²: 48,413 is a unit modulo it as well.
    let mut k = (i.wrapping_mul(48_413) + 9_973) % REGISTRY_CORES;
    let mut word = String::with_capacity(12);
    for _ in 0..2 {
        word.push_str(SYLLABLES[k % 42]);
        k /= 42;
    }
    word.push_str(ENDINGS[k % ENDINGS.len()]);
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => word,
    }
}

/// A small hash of `i` used to pick the decorations of name `i` deterministically.
fn mix(i: usize, salt: u64) -> u64 {
    let mut z = (i as u64) ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z = (z ^ (z >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    z ^ (z >> 33)
}

/// The sector word of synthetic company `i`.
pub fn sector_word(i: usize) -> &'static str {
    SECTOR_WORDS[(mix(i, 1) % SECTOR_WORDS.len() as u64) as usize]
}

/// The legal form of synthetic company `i`.
pub fn legal_form(i: usize) -> &'static str {
    LEGAL_FORMS[(mix(i, 2) % LEGAL_FORMS.len() as u64) as usize]
}

/// The full name of synthetic company `i`, e.g. "Velkortra Networks GmbH". Distinct `i`
/// (< CORES) give distinct names, also after tvcheck's normalisation.
pub fn company_name(i: usize) -> String {
    let core = core_word(i);
    match mix(i, 3) % 10 {
        // Core and legal form only.
        0..=3 => format!("{core} {}", legal_form(i)),
        // Upper-case, as exported from some ERP systems.
        4 => format!("{} {} {}", core, sector_word(i), legal_form(i)).to_uppercase(),
        // No legal form.
        5 => format!("{core} {}", sector_word(i)),
        _ => format!("{core} {} {}", sector_word(i), legal_form(i)),
    }
}

/// A model number for synthetic company `i`: three letters of its core, then digits, so it
/// never looks like a Hikvision (`DS-…`) or Dahua (`DH-…`, `IPC-…`) model.
pub fn synthetic_model(i: usize, variant: usize) -> String {
    let core = core_word(i).to_uppercase();
    let prefix: String = core.chars().take(3).collect();
    let n = 100 + (mix(i, 10 + variant as u64) % 9_900);
    match variant % 3 {
        0 => format!("{prefix}{n}"),
        1 => format!("{prefix}{n}-X"),
        _ => format!("{prefix}{n} Pro"),
    }
}

/// The names the parse floor and the sqlite3 baseline look up (lowercased, trimmed): the
/// plain spellings of designated vendors, as a naive exact-match checker would hold them.
pub const LISTED_NAMES: &[&str] = &[
    "huawei",
    "huawei technologies co., ltd.",
    "huawei technologies",
    "huawei technologies company",
    "zte",
    "zte corporation",
    "hikvision",
    "hangzhou hikvision digital technology co., ltd.",
    "dahua",
    "dahua technology",
    "zhejiang dahua technology co., ltd.",
    "hytera",
    "hytera communications corporation limited",
    "kaspersky lab",
    "ao kaspersky lab",
    "dji",
    "ezviz",
    "china mobile international usa inc.",
    "china telecom (americas) corp.",
    "china unicom (americas) operations limited",
    "pacific networks corp.",
    "comnet (usa) llc",
];
