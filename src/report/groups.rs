//! The findings grouped by registry entry and rule, with counts and the first rows of each
//! group: what the human-readable formats (table, Markdown, HTML) show, in memory that does
//! not grow with the inventory.

use std::collections::HashMap;

use super::{FindingRow, Row};
use crate::model::Verdict;

/// Rows shown per group unless `--rows-per-group` says otherwise.
pub const ROWS_PER_GROUP: usize = 10;

/// Groups tracked: the findings of further (entry, rule) pairs are only counted.
pub(crate) const GROUPS_TRACKED: usize = 2_000;

/// Rows kept in all, whatever the number of groups and rows per group.
pub(crate) const ROWS_KEPT: usize = 20_000;

/// Findings grouped by (entry, policy, rule), each group with its verdict counts and its
/// first rows in input order.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingGroups {
    /// Rows kept per group.
    pub rows_per_group: usize,
    /// The groups, in order of their first finding.
    groups: Vec<FindingGroup>,
    /// Group by key: entry, policy and rule joined by NUL (absent: empty), so that a finding
    /// is looked up without allocating.
    index: HashMap<Box<str>, usize, ahash::RandomState>,
    key: String,
    /// Findings of every group, shown or not.
    pub total: u64,
    /// Findings of groups past [`GROUPS_TRACKED`]: counted, not grouped.
    pub untracked: u64,
    rows_kept: usize,
    /// Items with findings per vendor label (the entry's name, else the vendor as written),
    /// by their worst verdict: [violation, review, waived, ok]. At most [`GROUPS_TRACKED`]
    /// labels; the items of further ones are under `vendors_untracked`.
    vendors: HashMap<String, [u64; 4], ahash::RandomState>,
    /// Items whose vendor label came after [`GROUPS_TRACKED`] labels, by worst verdict.
    pub vendors_untracked: [u64; 4],
    /// The item whose findings are being pushed (they come together): its place, label and
    /// worst verdict so far.
    pending: Option<(String, u64, Option<String>, String, Verdict)>,
}

impl Default for FindingGroups {
    fn default() -> Self {
        FindingGroups::new(ROWS_PER_GROUP)
    }
}

/// One group: the findings of one entry under one rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FindingGroup {
    /// The registry entry (none: an unidentified item, judged by a country test).
    pub entry: Option<String>,
    /// Its legal name.
    pub entry_name: Option<String>,
    /// The policy.
    pub policy: Option<String>,
    /// The rule.
    pub rule: Option<String>,
    /// Findings that are violations.
    pub violations: u64,
    /// Findings for review.
    pub reviews: u64,
    /// Findings waived.
    pub waived: u64,
    /// Items listed as ok (`--all`).
    pub ok: u64,
    /// The first rows, in input order.
    pub rows: Vec<FindingRow>,
}

impl FindingGroup {
    /// All findings of the group.
    pub fn count(&self) -> u64 {
        self.violations + self.reviews + self.waived + self.ok
    }

    /// Findings of the group not among its rows.
    pub fn more(&self) -> u64 {
        self.count() - self.rows.len() as u64
    }

    /// The worst verdict in the group.
    pub(crate) fn worst(&self) -> Verdict {
        if self.violations > 0 {
            Verdict::Violation
        } else if self.reviews > 0 {
            Verdict::Review
        } else if self.waived > 0 {
            Verdict::Waived
        } else {
            Verdict::Ok
        }
    }

    /// "huawei (Huawei Technologies Co., Ltd.)", or "no registry entry".
    pub(crate) fn entry_text(&self) -> String {
        match (&self.entry, &self.entry_name) {
            (Some(id), Some(name)) => format!("{id} ({name})"),
            (Some(id), None) => id.clone(),
            (None, _) => "no registry entry".to_string(),
        }
    }

    /// "lt-5g/non-member-manufacturer", or "-" (ok items listed with `--all`).
    pub(crate) fn rule_text(&self) -> String {
        match (&self.policy, &self.rule) {
            (Some(p), Some(r)) => format!("{p}/{r}"),
            _ => "-".to_string(),
        }
    }
}

impl FindingGroups {
    /// Empty groups keeping `rows_per_group` rows each.
    pub fn new(rows_per_group: usize) -> FindingGroups {
        FindingGroups {
            rows_per_group,
            groups: Vec::new(),
            index: HashMap::default(),
            key: String::new(),
            total: 0,
            untracked: 0,
            rows_kept: 0,
            vendors: HashMap::default(),
            vendors_untracked: [0; 4],
            pending: None,
        }
    }

    /// Counts the item of `row` under its vendor label once, by its worst verdict.
    fn tally_item(&mut self, row: &Row<'_>) {
        let same = self
            .pending
            .as_ref()
            .is_some_and(|(file, line, sheet, _, _)| {
                *line == row.line && **file == *row.file && sheet.as_deref() == row.sheet.as_deref()
            });
        if same {
            if let Some(p) = &mut self.pending {
                p.4 = p.4.max(row.verdict);
            }
            return;
        }
        self.flush_item();
        let label = row
            .entry_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(&row.vendor);
        self.pending = Some((
            row.file.to_string(),
            row.line,
            row.sheet.as_deref().map(str::to_string),
            label.to_string(),
            row.verdict,
        ));
    }

    fn flush_item(&mut self) {
        let Some((_, _, _, label, v)) = self.pending.take() else {
            return;
        };
        let i = match v {
            Verdict::Violation => 0,
            Verdict::Review => 1,
            Verdict::Waived => 2,
            Verdict::Ok => 3,
        };
        if let Some(c) = self.vendors.get_mut(&label) {
            c[i] += 1;
        } else if self.vendors.len() < GROUPS_TRACKED {
            let mut c = [0; 4];
            c[i] = 1;
            self.vendors.insert(label, c);
        } else {
            self.vendors_untracked[i] += 1;
        }
    }

    /// Items with findings per vendor label, by worst verdict ([violation, review, waived,
    /// ok]), in label order.
    pub(crate) fn vendor_items(&self) -> Vec<(String, [u64; 4])> {
        let mut v: Vec<(String, [u64; 4])> =
            self.vendors.iter().map(|(k, c)| (k.clone(), *c)).collect();
        if let Some((_, _, _, label, verdict)) = &self.pending {
            let i = match verdict {
                Verdict::Violation => 0,
                Verdict::Review => 1,
                Verdict::Waived => 2,
                Verdict::Ok => 3,
            };
            match v.iter().position(|(k, _)| k == label) {
                Some(at) => v[at].1[i] += 1,
                None if v.len() < GROUPS_TRACKED => {
                    let mut c = [0; 4];
                    c[i] = 1;
                    v.push((label.clone(), c));
                }
                None => {}
            }
        }
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Counts one finding, keeping its row while its group has fewer than `rows_per_group`.
    pub fn push(&mut self, row: &Row<'_>) {
        self.total += 1;
        self.tally_item(row);
        self.key.clear();
        for part in [&row.entry, &row.policy, &row.rule] {
            self.key.push_str(part.as_deref().unwrap_or(""));
            self.key.push('\0');
        }
        let at = match self.index.get(self.key.as_str()) {
            Some(&i) => i,
            None if self.groups.len() < GROUPS_TRACKED => {
                self.groups.push(FindingGroup {
                    entry: row.entry.as_deref().map(str::to_string),
                    entry_name: row.entry_name.as_deref().map(str::to_string),
                    policy: row.policy.as_deref().map(str::to_string),
                    rule: row.rule.as_deref().map(str::to_string),
                    violations: 0,
                    reviews: 0,
                    waived: 0,
                    ok: 0,
                    rows: Vec::new(),
                });
                self.index
                    .insert(self.key.as_str().into(), self.groups.len() - 1);
                self.groups.len() - 1
            }
            None => {
                self.untracked += 1;
                return;
            }
        };
        let g = &mut self.groups[at];
        match row.verdict {
            Verdict::Violation => g.violations += 1,
            Verdict::Review => g.reviews += 1,
            Verdict::Waived => g.waived += 1,
            Verdict::Ok => g.ok += 1,
        }
        if g.rows.len() < self.rows_per_group && self.rows_kept < ROWS_KEPT {
            g.rows.push(row.clone().into_owned());
            self.rows_kept += 1;
        }
    }

    /// Whether any ok item is listed (`--all`).
    pub(crate) fn lists_ok(&self) -> bool {
        self.groups.iter().any(|g| g.ok > 0)
    }

    /// Whether there is no finding.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The groups, worst first: by worst verdict, then most findings, then first seen.
    pub fn sorted(&self) -> Vec<&FindingGroup> {
        let mut g: Vec<&FindingGroup> = self.groups.iter().collect();
        g.sort_by_key(|g| (std::cmp::Reverse(g.worst()), std::cmp::Reverse(g.count())));
        g
    }

    /// The rows shown, group by group in [`Self::sorted`] order.
    pub fn rows(&self) -> impl Iterator<Item = &FindingRow> {
        self.sorted().into_iter().flat_map(|g| g.rows.iter())
    }

    /// Findings not shown as rows (in groups past their rows, and untracked).
    pub fn hidden(&self) -> u64 {
        self.total - self.groups.iter().map(|g| g.rows.len() as u64).sum::<u64>()
    }

    /// What the rows leave out and how to get it, in one sentence; `None` when every finding
    /// is shown.
    pub(crate) fn hidden_text(&self) -> Option<String> {
        let hidden = self.hidden();
        (hidden > 0).then(|| {
            format!(
                "{hidden} more finding{} not shown (at most {} per group here): write them all with -o findings.csv, -o report.json or --format jsonl, or raise --rows-per-group",
                if hidden == 1 { "" } else { "s" },
                self.rows_per_group
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, entry: &str, rule: &str, verdict: Verdict) -> Vec<FindingRow> {
        let base = crate::report::html::tests::sample_report()
            .findings
            .remove(0);
        (0..n)
            .map(|i| {
                let mut r = base.clone();
                r.line = i as u64 + 2;
                r.entry = Some(entry.to_string().into());
                r.entry_name = Some(format!("{entry} Ltd").into());
                r.rule = Some(rule.to_string().into());
                r.verdict = verdict;
                r
            })
            .collect()
    }

    #[test]
    fn counts_everything_and_keeps_the_first_rows_of_each_group() {
        let mut g = FindingGroups::new(3);
        for r in rows(25, "a", "r1", Verdict::Review).iter().chain(&rows(
            2,
            "b",
            "r1",
            Verdict::Violation,
        )) {
            g.push(r);
        }
        assert_eq!(g.total, 27);
        let sorted = g.sorted();
        // Violations first, though the reviews are more.
        assert_eq!(sorted[0].entry.as_deref(), Some("b"));
        assert_eq!((sorted[0].violations, sorted[0].rows.len()), (2, 2));
        assert_eq!((sorted[1].reviews, sorted[1].rows.len()), (25, 3));
        assert_eq!(sorted[1].more(), 22);
        assert_eq!(g.hidden(), 22);
        assert_eq!(
            g.rows().map(|r| r.line).collect::<Vec<_>>(),
            [2, 3, 2, 3, 4]
        );
        assert!(g
            .hidden_text()
            .unwrap()
            .starts_with("22 more findings not shown"));
        // Items by vendor label, each counted once by its worst verdict.
        assert_eq!(
            g.vendor_items(),
            [
                ("a Ltd".to_string(), [0, 25, 0, 0]),
                ("b Ltd".to_string(), [2, 0, 0, 0])
            ]
        );
    }

    #[test]
    fn groups_and_rows_are_bounded() {
        let mut g = FindingGroups::new(usize::MAX);
        let row = rows(1, "x", "r", Verdict::Review).remove(0);
        for i in 0..GROUPS_TRACKED + 5 {
            let mut r = row.clone();
            r.entry = Some(format!("e{i}").into());
            for _ in 0..20 {
                g.push(&r);
            }
        }
        assert_eq!(g.sorted().len(), GROUPS_TRACKED);
        assert_eq!(g.untracked, 5 * 20);
        assert_eq!(g.rows().count(), ROWS_KEPT);
        assert_eq!(g.total, (GROUPS_TRACKED as u64 + 5) * 20);
    }
}
