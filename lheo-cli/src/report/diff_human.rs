//! `lheo diff` for people: changes grouped by formation, in French by default.
//!
//! ```text
//! ~ formation 28_F0012034 « Titre professionnel Secrétaire assistant »
//!     @datemaj : 20261105 → 20261120
//!   ~ session 28_S0078311 (action[1]/session[1])
//!       periode/fin : 20271022 → 20271105
//!   + recrutement 28_S0078311-ICO3 (action[1]/session[1]/recrutement[3])
//!   - recrutement 28_S0078311-ICO2 (action[1]/session[1]/recrutement[2])
//!
//! + formation 28_F0099999 « Titre professionnel Comptable assistant » (/lheo/offres/formation[3])
//!
//! Différences entre « hier.xml » et « aujourdhui.xml » : 1 ajout, 1 suppression, 2 modifications
//! ```
//!
//! `+` only in the new feed, `-` only in the old one, `~` changed. Paths under a formation are
//! relative to it; values are cut at 120 characters (`--format json` gives them whole).

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use lheo::diff::{Change, ChangeKind, Fallback, FieldChange, RecordRef, Summary};
use lheo::Lang;

/// Longest value shown whole.
const MAX_VALUE: usize = 120;

/// Settings of the human diff.
#[derive(Debug, Clone, Copy)]
pub struct HumanDiffOptions {
    /// Language of the fixed words.
    pub lang: Lang,
    /// ANSI colours.
    pub color: bool,
    /// Only the summary line.
    pub quiet: bool,
}

/// Writes changes as they come, then the summary.
pub struct HumanDiff<'w> {
    out: &'w mut dyn Write,
    options: HumanDiffOptions,
    /// The record whose block is open.
    current: Option<RecordRef>,
    /// Something was printed (blocks are separated by a blank line).
    printed: bool,
}

struct Styles {
    added: Style,
    removed: Style,
    changed: Style,
    bold: Style,
    dim: Style,
}

impl Styles {
    fn new(color: bool) -> Self {
        if !color {
            let p = Style::new();
            return Styles {
                added: p,
                removed: p,
                changed: p,
                bold: p,
                dim: p,
            };
        }
        Styles {
            added: AnsiColor::BrightGreen.on_default().effects(Effects::BOLD),
            removed: AnsiColor::BrightRed.on_default().effects(Effects::BOLD),
            changed: AnsiColor::BrightYellow.on_default().effects(Effects::BOLD),
            bold: Style::new().effects(Effects::BOLD),
            dim: Style::new().effects(Effects::DIMMED),
        }
    }

    fn kind(&self, kind: ChangeKind) -> (Style, char) {
        match kind {
            ChangeKind::Added => (self.added, '+'),
            ChangeKind::Removed => (self.removed, '-'),
            ChangeKind::Changed => (self.changed, '~'),
        }
    }
}

/// Text from a feed made safe for a terminal and a one-line layout: line breaks shown as `↵`,
/// other control characters replaced, cut at [`MAX_VALUE`] characters.
fn clean(text: &str) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == MAX_VALUE {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push('↵'),
            '\r' => {}
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn quote(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => format!("« {text} »"),
        Lang::En => format!("\"{text}\""),
    }
}

/// A field value: as written, quoted when it holds spaces or nothing, with its label.
fn value(v: Option<&str>, label: Option<&str>, lang: Lang) -> String {
    let Some(v) = v else {
        return match lang {
            Lang::Fr => "(absent)".to_owned(),
            Lang::En => "(none)".to_owned(),
        };
    };
    let shown = if v.is_empty() || v.contains(char::is_whitespace) {
        quote(&clean(v), lang)
    } else {
        clean(v)
    };
    match label {
        Some(l) => format!("{shown} ({})", clean(l)),
        None => shown,
    }
}

fn fallback_note(f: Fallback, lang: Lang) -> &'static str {
    match (f, lang) {
        (Fallback::NumeroAbsent, Lang::Fr) => "sans numero : appariement par contenu puis position",
        (Fallback::NumeroDuplicate, Lang::Fr) => {
            "numero en double : appariement par contenu puis position"
        }
        (Fallback::NumeroAbsent, Lang::En) => "no numero: paired by content then position",
        (Fallback::NumeroDuplicate, Lang::En) => {
            "duplicate numero: paired by content then position"
        }
    }
}

/// `path` relative to the record it belongs to (`action[1]/session[2]`), whichever side's
/// position the record had.
fn relative<'p>(path: &'p str, record: &RecordRef) -> &'p str {
    let parent = record.path.rsplit_once('/').map_or("", |(p, _)| p);
    let Some(rest) = path
        .strip_prefix(parent)
        .and_then(|r| r.strip_prefix('/'))
        .and_then(|r| r.strip_prefix(record.entity))
    else {
        return path;
    };
    match rest.find('/') {
        Some(i) if rest[..i].is_empty() || rest.starts_with('[') => &rest[i + 1..],
        _ => path,
    }
}

impl<'w> HumanDiff<'w> {
    /// A writer on `out`.
    pub fn new(out: &'w mut dyn Write, options: HumanDiffOptions) -> Self {
        HumanDiff {
            out,
            options,
            current: None,
            printed: false,
        }
    }

    fn name_line(&self, entity: &str, key: Option<&str>, title: Option<&str>) -> String {
        let mut s = entity.to_owned();
        if let Some(k) = key {
            s.push(' ');
            s.push_str(&clean(k));
        }
        if let Some(t) = title {
            s.push(' ');
            s.push_str(&quote(&clean(t), self.options.lang));
        }
        s
    }

    /// Writes one change.
    pub fn change(&mut self, c: &Change) -> io::Result<()> {
        if self.options.quiet {
            return Ok(());
        }
        let st = Styles::new(self.options.color);
        let lang = self.options.lang;
        let is_record = c.entity == c.record.entity && c.path == c.record.path;
        let same_block = self
            .current
            .as_ref()
            .is_some_and(|r| r.path == c.record.path && r.entity == c.record.entity);
        if is_record && c.kind != ChangeKind::Changed {
            // A whole record added or removed: a block of one line.
            if self.printed {
                writeln!(self.out)?;
            }
            let (style, sign) = st.kind(c.kind);
            let mut line = self.name_line(c.entity, c.key.as_deref(), c.record.title.as_deref());
            if let Some(f) = c.fallback {
                line.push_str(&format!(" [{}]", fallback_note(f, lang)));
            }
            let side = match (c.kind, lang) {
                (ChangeKind::Removed, Lang::Fr) => " dans l'ancien flux",
                (ChangeKind::Removed, Lang::En) => " in the old feed",
                _ => "",
            };
            writeln!(
                self.out,
                "{}{sign} {line}{} {}({}{side}){}",
                style.render(),
                style.render_reset(),
                st.dim.render(),
                clean(&c.path),
                st.dim.render_reset()
            )?;
            self.current = None;
            self.printed = true;
            return Ok(());
        }
        if !same_block {
            if self.printed {
                writeln!(self.out)?;
            }
            let (style, sign) = st.kind(ChangeKind::Changed);
            let head = if c.record.entity == c.record.path.trim_start_matches('/') {
                format!("document ({})", c.record.entity)
            } else {
                self.name_line(
                    c.record.entity,
                    c.record.key.as_deref(),
                    c.record.title.as_deref(),
                )
            };
            writeln!(
                self.out,
                "{}{sign}{} {}{head}{}",
                style.render(),
                style.render_reset(),
                st.bold.render(),
                st.bold.render_reset()
            )?;
            self.current = Some(c.record.clone());
            self.printed = true;
        }
        if is_record {
            return self.fields(&c.fields, 4);
        }
        let (style, sign) = st.kind(c.kind);
        let mut line = format!(
            "  {}{sign}{} {} ({})",
            style.render(),
            style.render_reset(),
            self.name_line(c.entity, c.key.as_deref(), None),
            clean(relative(&c.path, &c.record))
        );
        if let Some(old) = c.old_path.as_deref().filter(|_| c.moved) {
            let from = clean(relative(old, &c.record));
            line.push_str(&match lang {
                Lang::Fr => format!(", auparavant {from}"),
                Lang::En => format!(", moved from {from}"),
            });
        }
        if let Some(f) = c.fallback {
            line.push_str(&format!(" [{}]", fallback_note(f, lang)));
        }
        writeln!(self.out, "{line}")?;
        self.fields(&c.fields, 6)
    }

    fn fields(&mut self, fields: &[FieldChange], indent: usize) -> io::Result<()> {
        let st = Styles::new(self.options.color);
        let lang = self.options.lang;
        let sep = match lang {
            Lang::Fr => " :",
            Lang::En => ":",
        };
        for f in fields {
            writeln!(
                self.out,
                "{:indent$}{}{sep} {} {}→{} {}",
                "",
                clean(&f.path),
                value(f.old.as_deref(), f.old_label, lang),
                st.dim.render(),
                st.dim.render_reset(),
                value(f.new.as_deref(), f.new_label, lang),
            )?;
        }
        Ok(())
    }

    /// Writes the summary line.
    pub fn finish(self, summary: &Summary, old: &str, new: &str) -> io::Result<()> {
        let st = Styles::new(self.options.color);
        let lang = self.options.lang;
        if self.printed {
            writeln!(self.out)?;
        }
        let (old, new) = (quote(&clean(old), lang), quote(&clean(new), lang));
        let (b, r) = (st.bold.render(), st.bold.render_reset());
        if summary.is_empty() {
            return match lang {
                Lang::Fr => writeln!(
                    self.out,
                    "{b}Aucune différence{r} : {old} et {new} portent les mêmes données."
                ),
                Lang::En => writeln!(
                    self.out,
                    "{b}No difference{r}: {old} and {new} carry the same data."
                ),
            };
        }
        let n = |count: u64, one: &str, many: &str| {
            format!("{count} {}", if count > 1 { many } else { one })
        };
        match lang {
            Lang::Fr => writeln!(
                self.out,
                "{b}Différences{r} entre {old} et {new} : {}, {}, {}",
                n(summary.added, "ajout", "ajouts"),
                n(summary.removed, "suppression", "suppressions"),
                n(summary.changed, "modification", "modifications"),
            ),
            Lang::En => writeln!(
                self.out,
                "{b}Differences{r} between {old} and {new}: {} added, {} removed, {} changed",
                summary.added, summary.removed, summary.changed,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(path: &str) -> RecordRef {
        RecordRef {
            entity: "formation",
            key: None,
            path: path.to_owned(),
            title: None,
        }
    }

    #[test]
    fn paths_relative_to_their_record() {
        let r = record("/lheo/offres/formation[3]");
        assert_eq!(
            relative("/lheo/offres/formation[3]/action[1]/session[2]", &r),
            "action[1]/session[2]"
        );
        // A removed child keeps the old position of its formation.
        assert_eq!(
            relative("/lheo/offres/formation[2]/action[1]", &r),
            "action[1]"
        );
        assert_eq!(relative("/lheo/autre/x", &r), "/lheo/autre/x");
    }

    #[test]
    fn values_are_safe_and_short() {
        assert_eq!(value(Some("20270101"), None, Lang::Fr), "20270101");
        assert_eq!(value(Some("a b"), None, Lang::Fr), "« a b »");
        assert_eq!(value(Some("2"), Some("fermé"), Lang::Fr), "2 (fermé)");
        assert_eq!(value(None, None, Lang::En), "(none)");
        assert_eq!(clean("a\nb\u{1b}[31m"), "a↵b\u{FFFD}[31m");
        assert_eq!(clean(&"x".repeat(200)).chars().count(), MAX_VALUE + 1);
    }
}
