//! What a report for people shows of one file's findings (the human and HTML formats): the
//! findings grouped by record, errors before warnings before infos, a row per rule, and what
//! `--severity` and `--max-per-rule` leave out — counted, never silently.
//!
//! Order: the findings outside any record first (the document's own), then the records with
//! an error, then those with a warning, then those with infos only, each in document order;
//! inside a record, errors, then warnings, then infos, each by position.
//!
//! Caps are per rule and never global: the first `N` findings of each rule (by position)
//! are shown, so a rule with thousands of warnings cannot hide the one error of another rule.

use std::collections::HashMap;

use lheo::{Counts, Diagnostic, Location, RecordRef, Rule, Severity};

/// Findings shown per rule when `--max-per-rule` is not given, in the human report.
pub const HUMAN_PER_RULE: usize = 20;
/// Findings shown per rule when `--max-per-rule` is not given, in the HTML report.
pub const HTML_PER_RULE: usize = 1000;

/// What is shown: `--severity` and `--max-per-rule`. Counts and the exit code never depend
/// on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// The lowest severity shown (`Info`: everything).
    pub severity: Severity,
    /// Findings shown per rule (`None`: all).
    pub per_rule: Option<usize>,
}

#[cfg(test)]
impl Shown {
    /// Everything.
    pub const ALL: Shown = Shown {
        severity: Severity::Info,
        per_rule: None,
    };
}

/// One rule's findings in a file (a rule whose findings have two severities, such as
/// `FT-RDV-ADRESSE`, has a row for each).
#[derive(Debug, Clone)]
pub struct RuleRow<'a> {
    /// The rule.
    pub rule: Rule,
    /// The severity of these findings.
    pub severity: Severity,
    /// How many there are (always complete).
    pub count: usize,
    /// How many are shown.
    pub shown: usize,
    /// The first one, by position.
    pub first: &'a Diagnostic,
    /// The index (in the report) of the first one shown, if any is.
    pub first_shown: Option<usize>,
}

impl RuleRow<'_> {
    /// Findings left out by the per-rule cap (not by `--severity`).
    pub fn capped(&self, shown: &Shown) -> usize {
        if self.severity < shown.severity {
            0
        } else {
            self.count - self.shown
        }
    }
}

/// The findings of one record (or of none: the document's own), as shown.
#[derive(Debug, Clone)]
pub struct Group<'a> {
    /// The record; `None` for findings outside any record.
    pub record: Option<&'a RecordRef>,
    /// Every finding of the record, by severity (complete).
    pub counts: Counts,
    /// The findings shown with their index in the report, errors first, each severity by
    /// position.
    pub findings: Vec<(usize, &'a Diagnostic)>,
}

impl Group<'_> {
    /// The most serious severity among the findings shown.
    pub fn worst(&self) -> Severity {
        self.findings
            .iter()
            .map(|(_, d)| d.severity)
            .max()
            .unwrap_or(Severity::Info)
    }
}

/// What a report shows of one file.
#[derive(Debug, Clone)]
pub struct FileView<'a> {
    /// The groups with at least one finding shown, in the order described above.
    pub groups: Vec<Group<'a>>,
    /// One row per rule and severity: errors first, then by code.
    pub rules: Vec<RuleRow<'a>>,
    /// Every finding, by severity.
    pub counts: Counts,
    /// Findings left out by `--severity`.
    pub below: Counts,
    /// Records with at least one finding (shown or not).
    pub records: usize,
}

impl<'a> FileView<'a> {
    /// The places (line, column) of the findings shown in XML (for their excerpts).
    pub fn places(&self) -> Vec<(u32, u32)> {
        self.groups
            .iter()
            .flat_map(|g| &g.findings)
            .filter_map(|(_, d)| match d.location {
                Location::Xml { line, column } => Some((line, column)),
                _ => None,
            })
            .collect()
    }

    /// What `shown` shows of `diagnostics` (sorted by position, as reports hold them).
    pub fn new(diagnostics: &'a [Diagnostic], shown: &Shown) -> Self {
        let mut rules: Vec<RuleRow<'a>> = Vec::new();
        let mut rule_index: HashMap<(Rule, Severity), usize> = HashMap::new();
        // Groups in document order first; `None` (outside records) is group 0.
        let mut groups: Vec<Group<'a>> = vec![Group {
            record: None,
            counts: Counts::default(),
            findings: Vec::new(),
        }];
        let mut group_index: HashMap<&'a str, usize> = HashMap::new();
        let mut counts = Counts::default();
        let mut below = Counts::default();
        for (index, d) in diagnostics.iter().enumerate() {
            counts.add(d.severity);
            let row = *rule_index.entry((d.rule, d.severity)).or_insert_with(|| {
                rules.push(RuleRow {
                    rule: d.rule,
                    severity: d.severity,
                    count: 0,
                    shown: 0,
                    first: d,
                    first_shown: None,
                });
                rules.len() - 1
            });
            let row = &mut rules[row];
            row.count += 1;
            let g = match d.record.as_deref() {
                None => 0,
                Some(r) => *group_index.entry(r.path.as_str()).or_insert_with(|| {
                    groups.push(Group {
                        record: Some(r),
                        counts: Counts::default(),
                        findings: Vec::new(),
                    });
                    groups.len() - 1
                }),
            };
            let group = &mut groups[g];
            group.counts.add(d.severity);
            if d.severity < shown.severity {
                below.add(d.severity);
            } else if shown.per_rule.is_none_or(|max| row.shown < max) {
                row.shown += 1;
                row.first_shown.get_or_insert(index);
                group.findings.push((index, d));
            }
        }
        let records = groups.len() - 1;
        for g in &mut groups {
            // Stable: each severity keeps the document order.
            g.findings
                .sort_by_key(|(_, d)| std::cmp::Reverse(d.severity));
        }
        let (outside, records_groups) = groups.split_at(1);
        let mut ordered: Vec<Group<'a>> = outside
            .iter()
            .filter(|g| !g.findings.is_empty())
            .cloned()
            .collect();
        let mut in_records: Vec<Group<'a>> = records_groups
            .iter()
            .filter(|g| !g.findings.is_empty())
            .cloned()
            .collect();
        in_records.sort_by_key(|g| std::cmp::Reverse(g.worst()));
        ordered.extend(in_records);
        rules.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.code().cmp(b.rule.code()))
        });
        FileView {
            groups: ordered,
            rules,
            counts,
            below,
            records,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn record(n: u32) -> Arc<RecordRef> {
        Arc::new(RecordRef {
            element: "formation",
            numero: Some(format!("F{n}")),
            title: Some(format!("Offre {n}")),
            location: Location::Xml { line: n, column: 1 },
            path: format!("/lheo/offres/formation[{n}]"),
        })
    }

    fn finding(rule: Rule, line: u32, record: Option<&Arc<RecordRef>>) -> Diagnostic {
        let d = Diagnostic::new(rule, "m", "m").at_line(line, 1);
        match record {
            Some(r) => d.in_record(r.clone()),
            None => d,
        }
    }

    /// 3 000 warnings in 1 000 offers, and one error in the last offer.
    fn feed() -> Vec<Diagnostic> {
        let mut all = Vec::new();
        for n in 1..=1000 {
            let r = record(n * 10);
            for k in 0..3 {
                all.push(finding(Rule::FtSessionModalite, n * 10 + k, Some(&r)));
            }
            if n == 1000 {
                all.push(finding(Rule::FtAdrInsee, n * 10 + 5, Some(&r)));
            }
        }
        all.insert(0, finding(Rule::XsdRacine, 1, None));
        all
    }

    #[test]
    fn a_rule_with_thousands_of_findings_cannot_hide_an_error() {
        let all = feed();
        let shown = Shown {
            severity: Severity::Info,
            per_rule: Some(20),
        };
        let view = FileView::new(&all, &shown);
        assert_eq!(view.counts.warning, 3000);
        assert_eq!(
            view.rules.iter().map(|r| r.capped(&shown)).sum::<usize>(),
            2980
        );
        assert_eq!(view.records, 1000);
        // The document's own findings, then the offer with the error, then warnings.
        assert!(view.groups[0].record.is_none());
        let with_error = &view.groups[1];
        assert_eq!(
            with_error.record.and_then(|r| r.numero.as_deref()),
            Some("F10000")
        );
        assert_eq!(with_error.findings[0].1.rule, Rule::FtAdrInsee);
        // Its warnings were capped (they come late in the document): only the error shows.
        assert_eq!(with_error.findings.len(), 1);
        assert_eq!(with_error.counts.warning, 3);
        // Errors first in the table, each row complete.
        let codes: Vec<_> = view.rules.iter().map(|r| r.rule.code()).collect();
        assert_eq!(codes, ["FT-ADR-INSEE", "XSD-RACINE", "FT-SESSION-MODALITE"]);
        assert_eq!((view.rules[2].count, view.rules[2].shown), (3000, 20));
        assert_eq!(view.rules[2].capped(&shown), 2980);
        assert_eq!(view.rules[2].first.line(), Some(10));
    }

    #[test]
    fn severity_filters_what_is_shown_not_what_is_counted() {
        let all = feed();
        let shown = Shown {
            severity: Severity::Error,
            per_rule: None,
        };
        let view = FileView::new(&all, &shown);
        assert_eq!(view.counts.warning, 3000);
        assert_eq!(view.below.warning, 3000);
        let shown_findings: usize = view.groups.iter().map(|g| g.findings.len()).sum();
        assert_eq!(shown_findings, 2);
        assert_eq!(view.rules[2].capped(&shown), 0);
    }

    #[test]
    fn inside_a_record_errors_come_before_warnings() {
        let r = record(1);
        let all = vec![
            finding(Rule::FtSessionModalite, 2, Some(&r)),
            finding(Rule::FtAdrInsee, 3, Some(&r)),
            finding(Rule::FtSessionModalite, 4, Some(&r)),
        ];
        let view = FileView::new(&all, &Shown::ALL);
        let lines: Vec<_> = view.groups[0]
            .findings
            .iter()
            .map(|(_, d)| d.line())
            .collect();
        assert_eq!(lines, [Some(3), Some(2), Some(4)]);
        let indices: Vec<_> = view.groups[0].findings.iter().map(|(i, _)| *i).collect();
        assert_eq!(indices, [1, 0, 2]);
        assert_eq!(view.rules[1].first_shown, Some(0));
    }
}
