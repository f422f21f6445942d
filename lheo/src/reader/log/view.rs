//! A record's capture read in place as elements ([`LogNode`]): the model is built from it
//! directly ([`RecordLog::to_record`]), without a tree in between.

use std::borrow::Cow;

use super::{LogEvent, RecordLog, Span, OPEN};
use crate::model::{QName, Record};
use crate::reader::build::{self, namespace, BuildError, NodeView, ViewAttribute, ViewChild};
#[cfg(test)]
use crate::schema::ElementSet;
use crate::schema::{self, ElementId, NAMESPACE_2_3};
use crate::xml::position::Position;

/// An element of a [`RecordLog`]: the index of its start event, with what every question
/// about the element reads of that event (read once, where the node is made). Its children are
/// the events up to its end event, each child element skipped to its own end.
#[derive(Debug, Clone, Copy)]
pub struct LogNode<'a> {
    log: &'a RecordLog,
    at: usize,
    head: Head,
}

/// What a [`LogNode`] keeps of its start event.
#[derive(Debug, Clone, Copy)]
struct Head {
    id: Option<ElementId>,
    /// The number of attribute events after the start event.
    attributes: u32,
    /// Index of the end event ([`OPEN`] when it was not read).
    end: u32,
}

/// The fields of a start event.
struct Start {
    ns: Option<Span>,
    local: Span,
    pos: Position,
}

impl Head {
    /// The head of `event`, if it is a start event.
    fn of(event: &LogEvent) -> Option<Head> {
        match *event {
            LogEvent::Start {
                id,
                attributes,
                end,
                ..
            } => Some(Head {
                id,
                attributes,
                end,
            }),
            _ => None,
        }
    }
}

impl<'a> LogNode<'a> {
    /// The element whose start event is at `at` (at 0 in an empty capture: an empty
    /// element; a view is only made at a start event).
    fn at(log: &'a RecordLog, at: usize) -> Self {
        let head = log.events.get(at).and_then(Head::of).unwrap_or(Head {
            id: None,
            attributes: 0,
            end: at as u32,
        });
        LogNode { log, at, head }
    }

    /// The fields of the start event the head does not keep.
    fn start(self) -> Start {
        match self.log.events.get(self.at) {
            Some(&LogEvent::Start { ns, local, pos, .. }) => Start { ns, local, pos },
            _ => Start {
                ns: None,
                local: Span::NONE,
                pos: Position::default(),
            },
        }
    }

    /// A namespace span's URI (the LHEO one is not copied into the strings).
    fn uri(self, span: Span) -> &'a str {
        if span == Span::LHEO {
            NAMESPACE_2_3
        } else {
            self.log.str(span)
        }
    }
}

impl<'a> NodeView<'a> for LogNode<'a> {
    fn id(self) -> Option<ElementId> {
        self.head.id
    }

    fn pos(self) -> Position {
        self.start().pos
    }

    fn local(self) -> &'a str {
        match self.head.id {
            Some(i) => schema::element(i).name,
            None => self.log.str(self.start().local),
        }
    }

    fn name(self) -> QName {
        let start = self.start();
        QName {
            namespace: start.ns.map(|s| namespace(self.uri(s))),
            local: match self.head.id {
                Some(i) => Cow::Borrowed(schema::element(i).name),
                None => Cow::Owned(self.log.str(start.local).to_owned()),
            },
        }
    }

    /// The events between the start (and its attributes) and the end; an element whose end
    /// was not read ends the children (as [`RecordLog::to_node`] leaves it out).
    fn children(self) -> impl Iterator<Item = ViewChild<'a, Self>> {
        let log = self.log;
        let end = match self.head.end {
            OPEN => log.events.len(),
            end => end as usize,
        };
        let mut i = self.at + 1 + self.head.attributes as usize;
        std::iter::from_fn(move || {
            while i < end {
                let at = i;
                match log.events.get(at)? {
                    LogEvent::Start { end: OPEN, .. } | LogEvent::End => {
                        i = end;
                        return None;
                    }
                    e @ LogEvent::Start { .. } => {
                        let head = Head::of(e)?;
                        i = head.end as usize + 1;
                        return Some(ViewChild::Element(LogNode { log, at, head }));
                    }
                    &LogEvent::Text(span) => {
                        i += 1;
                        return Some(ViewChild::Text(log.str(span)));
                    }
                    LogEvent::Attribute { .. } => i += 1,
                }
            }
            None
        })
    }

    fn xml_attributes(self) -> impl Iterator<Item = ViewAttribute<'a>> {
        let log = self.log;
        let first = self.at + 1;
        log.events
            .get(first..first + self.head.attributes as usize)
            .unwrap_or_default()
            .iter()
            .filter_map(move |e| match *e {
                LogEvent::Attribute { ns, local, value } => Some(ViewAttribute {
                    namespace: ns.map(|s| self.uri(s)),
                    local: log.str(local),
                    value: log.str(value),
                }),
                _ => None,
            })
    }
}

impl RecordLog {
    /// The record's root element, read in place (a capture starts with it; an empty one
    /// reads as an empty element, as [`RecordLog::to_node`] gives it).
    pub(crate) fn root(&self) -> LogNode<'_> {
        LogNode::at(self, 0)
    }

    /// Builds the typed record straight from the capture: the record
    /// [`RecordLog::to_node`] and [`RecordNode::to_record`](crate::reader::RecordNode::to_record)
    /// give, without the tree.
    pub fn to_record(&self) -> Result<Record, BuildError> {
        build::record(self.root())
    }
}

/// The UTF-8 XML feeds of the real corpus (`../shared/corpus/real`; the ISO-8859-1 one is
/// read decoded by the reader), for tests: `None`, with the reason printed, when the corpus is
/// missing (a failure instead with `LHEO_REQUIRE_ORACLE=1`).
#[cfg(test)]
pub(crate) fn real_feeds() -> Option<Vec<(std::path::PathBuf, String)>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/real");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        if std::env::var("LHEO_REQUIRE_ORACLE").is_ok_and(|v| v == "1") {
            panic!("{} is missing", dir.display());
        }
        eprintln!("skipped: {} is missing", dir.display());
        return None;
    };
    let feeds: Vec<_> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(&path).ok()?)))
        .collect();
    assert!(
        feeds.len() >= 5,
        "{} feeds in {}",
        feeds.len(),
        dir.display()
    );
    Some(feeds)
}

/// Every record of `input`, captured whole (for tests).
#[cfg(test)]
pub(crate) fn captures(input: &str) -> Vec<RecordLog> {
    let mut logs = Vec::new();
    each_capture(input, None, |_, log| logs.push(log));
    logs
}

/// Every record of `input` captured (projected on `only`, or whole), handed to `f` with the
/// reader as it comes (for tests).
#[cfg(test)]
fn each_capture<'i>(
    input: &'i str,
    only: Option<ElementSet>,
    mut f: impl FnMut(&mut crate::reader::Reader<&'i [u8]>, RecordLog),
) {
    use crate::reader::{Build, Limits, Reader, Step};
    let Ok(mut reader) = Reader::compose(
        input.as_bytes(),
        Limits::default(),
        Build::Captures(only),
        None,
    ) else {
        panic!("the input cannot be opened")
    };
    loop {
        match reader.advance() {
            Step::Captured(log) => f(&mut reader, log),
            Step::Record(_) => panic!("a capturing reader built a tree"),
            Step::Pause => {}
            Step::Done => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{GenerateOptions, Generator, Root};
    use crate::reader::build::FromView;
    use crate::reader::log::real_feeds;

    /// Each record of `input` built from its capture in place is the record built from its
    /// tree (or the same error); returns how many built.
    fn same_as_from_the_tree(input: &str) -> usize {
        let logs = captures(input);
        assert!(!logs.is_empty(), "no record in {input}");
        let mut built = 0;
        for log in &logs {
            let from_tree = build::record(&log.to_node());
            let in_place = log.to_record();
            assert_eq!(in_place, from_tree, "{}", log.path);
            built += usize::from(in_place.is_ok());
        }
        built
    }

    fn offers(formations: &str) -> String {
        format!(
            r#"<lheo xmlns="http://lheo.gouv.fr/2.3" xmlns:x="urn:x"><offres>{formations}</offres></lheo>"#
        )
    }

    #[test]
    fn generated_records_build_the_same_from_their_capture() {
        for (root, seed) in [
            (Root::Lheo, 1),
            (Root::Lheo, 7),
            (Root::LheoIndex, 2),
            (Root::LheoPlus, 3),
        ] {
            let options = GenerateOptions::new(25).with_seed(seed).with_root(root);
            let xml = Generator::new(options).to_xml_string();
            assert!(same_as_from_the_tree(&xml) > 0, "{root:?}");
        }
    }

    #[test]
    fn free_content_and_structure_errors_build_the_same_from_their_capture() {
        let formation = |inside: &str| {
            format!(
                "<formation numero=\"F\"><intitule-formation>a</intitule-formation>{inside}</formation>"
            )
        };
        let extras = r#"<extras info="i"><extra info="e" x:k="v" autre="w">un <b x:a="1">gras
  </b> &amp; <![CDATA[<c>]]><x:vide/>fin</extra><extras><extra/></extras></extras>"#;
        let cases = [
            formation(extras),
            // Stray text, a child in a text element, a repeated or unknown element, an
            // attribute not allowed, an invalid value.
            formation("du texte"),
            "<formation><intitule-formation>a<b/></intitule-formation></formation>".to_owned(),
            "<formation><intitule-formation>a</intitule-formation><intitule-formation>b</intitule-formation></formation>".to_owned(),
            formation("<inconnu/>"),
            "<formation nope=\"1\"><intitule-formation>a</intitule-formation></formation>".to_owned(),
            formation("<action><niveau-entree-obligatoire>peut-être</niveau-entree-obligatoire></action>"),
            // Text in pieces (references, CDATA) and an xsi attribute.
            r#"<formation xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="a b"><intitule-formation>a&lt;<![CDATA[b]]>&#233;c</intitule-formation></formation>"#.to_owned(),
            // A record with nothing required.
            "<formation/>".to_owned(),
        ];
        for case in &cases {
            same_as_from_the_tree(&offers(case));
        }
        // The free content is kept whole.
        let logs = captures(&offers(&formation(extras)));
        let extras = logs[0]
            .root()
            .elements()
            .find(|e| e.id() == Some(schema::id::EXTRAS));
        let Some(Ok(extras)) = extras.map(crate::model::Extras::from_view) else {
            panic!("the extras do not build")
        };
        let Some(crate::model::ExtrasItem::Extra(extra)) = extras.items.first() else {
            panic!("no extra")
        };
        assert_eq!(extra.other_attributes.len(), 2);
        assert_eq!(extra.content.len(), 5, "{:?}", extra.content);
    }

    /// Each record of `input` captured (projected on `only`, or whole), as text: its path,
    /// its events, its tree; with `recycle`, each capture is given back to the reader once
    /// read, so that the next one is captured in its buffers.
    fn captured(input: &str, only: Option<ElementSet>, recycle: bool) -> Vec<String> {
        use crate::reader::log::LogItem;
        let mut records = Vec::new();
        each_capture(input, only, |reader, log| {
            let mut text = format!("{} {:?}\n", log.path, log.sizes());
            for item in log.items() {
                let line = match item {
                    LogItem::Start(s) => format!(
                        "<{:?} {:?} numero={:?} ref={:?}",
                        s.id,
                        s.pos,
                        s.attr("numero"),
                        s.attr("ref")
                    ),
                    LogItem::Text(t) => format!("{t:?}"),
                    LogItem::End => ">".to_owned(),
                };
                text.push_str(&line);
                text.push('\n');
            }
            if only.is_none() {
                text.push_str(&format!("{:?}", log.to_node()));
            }
            records.push(text);
            if recycle {
                reader.recycle(log);
            }
        });
        records
    }

    #[test]
    fn recycled_captures_are_fresh_ones() {
        // Records of every size one after the other, whole and projected (a projection on
        // elements of the formation and of the sessions), each caught in the buffers of the
        // one before.
        let options = GenerateOptions::new(12).with_seed(5);
        let xml = Generator::new(options).to_xml_string();
        let projections = [
            None,
            Some(ElementSet::new(&[
                schema::id::INTITULE_FORMATION,
                schema::id::DEBUT,
                schema::id::CODE_FORMACODE,
            ])),
        ];
        for only in projections {
            let fresh = captured(&xml, only, false);
            assert!(fresh.len() >= 12, "{only:?}: {} records", fresh.len());
            assert_eq!(captured(&xml, only, true), fresh, "{only:?}");
        }
    }

    #[test]
    fn an_outsized_capture_is_not_kept() {
        // A record of a few bytes is kept to be reused; one holding more than the most a
        // spare may hold is let go.
        for (text, kept) in [
            ("court", true),
            (&*"x".repeat(super::super::MAX_SPARE_ROOM), false),
        ] {
            let xml = offers(&format!(
                "<formation><intitule-formation>{text}</intitule-formation></formation>"
            ));
            let mut seen = 0;
            each_capture(&xml, None, |reader, log| {
                seen += 1;
                reader.recycle(log);
                assert_eq!(reader.take_spare().is_some(), kept, "{} bytes", text.len());
            });
            assert_eq!(seen, 1);
        }
    }

    #[test]
    fn real_feeds_build_the_same_from_their_capture() {
        for (_, xml) in real_feeds().unwrap_or_default() {
            same_as_from_the_tree(&xml);
        }
    }
}
