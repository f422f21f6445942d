//! Tests of the event layer: events, blank text, positions, malformed input, limits.

use super::*;

fn events(xml: &str) -> Result<Vec<String>, XmlError> {
    let mut r = XmlReader::new(xml.as_bytes(), Limits::default());
    let mut out = Vec::new();
    loop {
        let s = match r.next_event()? {
            XmlEvent::Start(s, _) => {
                let attrs: Vec<String> = s
                    .attributes
                    .iter()
                    .map(|a| format!("{}={}", a.local(), a.value))
                    .collect();
                format!(
                    "<{}:{}{}@{}",
                    s.ns.map(|n| n.0).unwrap_or(99),
                    s.local(),
                    if attrs.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", attrs.join(" "))
                    },
                    s.pos.line
                )
            }
            XmlEvent::End(_) => "/".into(),
            XmlEvent::Text { text, cdata, .. } => {
                format!("{}{text:?}", if cdata { "C" } else { "T" })
            }
            XmlEvent::Eof | XmlEvent::Suspend => break,
        };
        out.push(s);
    }
    Ok(out)
}

/// The texts of `xml` with whether the reader tells them blank.
fn blanks(xml: &str) -> Vec<(String, bool)> {
    let mut r = XmlReader::new(xml.as_bytes(), Limits::default());
    let mut out = Vec::new();
    loop {
        match r.next_event() {
            Ok(XmlEvent::Text { text, blank, .. }) => out.push((text.to_owned(), blank)),
            Ok(XmlEvent::Eof | XmlEvent::Suspend) | Err(_) => return out,
            Ok(_) => {}
        }
    }
}

#[test]
fn texts_tell_whether_they_are_blank() {
    let got = blanks(
        "<a> \r\n\t<b/>x<b/> <!--c--> &#32;&#xA;<b/> &#65;<b/><![CDATA[ ]]><b/>\u{a0}<b/>  <![CDATA[y]]></a>",
    );
    let want = [
        (" \n\t", true),
        ("x", false),
        ("   \n", true),
        (" A", false),
        (" ", true),
        ("\u{a0}", false),
        ("  y", false),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(t, b)| (t.to_string(), *b)).collect();
    assert_eq!(got, want);
    for (text, blank) in &got {
        assert_eq!(*blank, is_blank(text), "{text:?}");
    }
}

#[test]
fn basic_stream() {
    let e = events("<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\" k=\"v&amp;\tw\"><b/>x&lt;<![CDATA[y]]><!--c-->z</a>\n").unwrap();
    assert_eq!(e, ["<2:a k=v& w@2", "<2:b@2", "/", "C\"x<yz\"", "/"]);
}

/// Attributes are reused from tag to tag: each tag has its own, whatever the tag before
/// had (none, fewer, more, prefixed ones), and a tag without any has none.
#[test]
fn each_tag_has_its_own_attributes() {
    let e = events(
        "<a xmlns:p=\"urn:p\" x=\"1\"><b/><c p:y=\"2\" z=\"3\" w=\"4\"/><d  \n/><e z=\"5\"/><f></f></a>",
    )
    .unwrap();
    let starts: Vec<&String> = e.iter().filter(|s| s.starts_with('<')).collect();
    assert_eq!(
        starts,
        [
            "<99:a x=1@1",
            "<99:b@1",
            "<99:c y=2 z=3 w=4@1",
            "<99:d@2",
            "<99:e z=5@2",
            "<99:f@2"
        ]
    );
    let mut r = XmlReader::new(
        &b"<a p:y=\"2\" xmlns:p=\"urn:p\"><b q=\"1\"/></a>"[..],
        Limits::default(),
    );
    let Ok(XmlEvent::Start(a, _)) = r.next_event() else {
        panic!("a start tag");
    };
    assert_eq!(
        (a.attributes[0].ns.is_some(), a.attributes.len()),
        (true, 1)
    );
    let Ok(XmlEvent::Start(b, _)) = r.next_event() else {
        panic!("a start tag");
    };
    assert_eq!((b.attributes[0].ns, b.attributes[0].local()), (None, "q"));
}

/// Local names are what follows the prefix of the name as written, for elements and
/// attributes, including attributes reused from an earlier tag with a longer prefix.
#[test]
fn local_names_follow_the_prefix() {
    let mut r = XmlReader::new(
        &b"<long:a xmlns:long='urn:l' xmlns:p='urn:p' long:xy='1' y='2'>\
           <p:b p:z='3' long:w='4'/><c v='5'/><long:d/></long:a>"[..],
        Limits::default(),
    );
    let mut seen = Vec::new();
    loop {
        match r.next_event() {
            Ok(XmlEvent::Start(s, _)) => {
                let attrs: Vec<(&str, &str)> = s
                    .attributes
                    .iter()
                    .map(|a| (a.qname.as_str(), a.local()))
                    .collect();
                seen.push(format!("{} {} {attrs:?}", s.qname, s.local()));
            }
            Ok(XmlEvent::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            r#"long:a a [("long:xy", "xy"), ("y", "y")]"#,
            r#"p:b b [("p:z", "z"), ("long:w", "w")]"#,
            r#"c c [("v", "v")]"#,
            "long:d d []",
        ]
    );
}

/// The events of `xml` with white space dropped in the elements named in `drop`, and kept
/// below those named in `keep_below`.
fn events_with_blank_text(xml: &str, drop: &[&str], keep_below: &[&str]) -> Vec<String> {
    let mut r = XmlReader::new(xml.as_bytes(), Limits::default());
    let mut out = Vec::new();
    loop {
        let blank = match r.next_event().unwrap() {
            XmlEvent::Start(s, _) => {
                out.push(format!("<{}", s.local()));
                if drop.contains(&s.local()) {
                    Some(BlankText::Drop)
                } else if keep_below.contains(&s.local()) {
                    Some(BlankText::KeepBelow)
                } else {
                    None
                }
            }
            XmlEvent::End(_) => {
                out.push("/".into());
                None
            }
            XmlEvent::Text { text, cdata, .. } => {
                out.push(format!("{}{text:?}", if cdata { "C" } else { "T" }));
                None
            }
            XmlEvent::Eof | XmlEvent::Suspend => break,
        };
        if let Some(blank) = blank {
            r.set_blank_text(blank);
        }
    }
    out
}

/// White space is dropped only directly inside an element that asks for it, never when it
/// comes with other text or a CDATA section, never below an element that keeps it.
#[test]
fn blank_text_is_dropped_where_asked() {
    let xml =
        "<a>\n <b>\n <c> </c>\n <d> x </d>&#32;<![CDATA[]]> <e>\n <b>\n </b> </e>\n </b>\n</a>";
    let kept = events_with_blank_text(xml, &[], &[]).join(" ");
    assert_eq!(
        kept,
        r#"<a T"\n " <b T"\n " <c T" " / T"\n " <d T" x " / C"  " <e T"\n " <b T"\n " / T" " / T"\n " / T"\n" /"#
    );
    // `b` drops its white space, except the text merged with a CDATA section; `c` does
    // not ask; below `e`, `b` asks in vain.
    let dropped = events_with_blank_text(xml, &["b", "a"], &["e"]).join(" ");
    assert_eq!(
        dropped,
        r#"<a <b <c T" " / <d T" x " / C"  " <e T"\n " <b T"\n " / T" " / / /"#
    );
}

#[test]
fn line_of_a_start_tag_is_the_line_of_its_closing_bracket() {
    let e = events("<a\n>\n<b\n\nc=\"1\"\n>t</b></a>").unwrap();
    assert_eq!(e[2], "<99:b c=1@6");
}

#[test]
fn malformed_inputs_are_refused() {
    for xml in [
        "",
        "   ",
        "<a>",
        "<a></b>",
        "<a/><b/>",
        "x<a/>",
        "<a/>x",
        "<a>&nbsp;</a>",
        "<a>&#0;</a>",
        "<a>\u{1}</a>",
        "<a b='<'/>",
        "<a b='1' b='2'/>",
        "<p:a/>",
        "<a p:b='1'/>",
        "<a>]]></a>",
        "<a><!-- a -- b --></a>",
        "<1a/>",
        "<a/><?xml version='1.0'?>",
        "<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>",
        "<a xmlns:p=''/>",
    ] {
        assert!(events(xml).is_err(), "{xml:?} should be refused");
    }
}

/// Duplicate attributes are refused by name as written and by namespace and local name; a
/// namespace declared twice in one tag too (among a few declarations or among many), not
/// one declared again on a child.
#[test]
fn duplicate_attributes_and_declarations_are_refused() {
    let many: String = (0..40).map(|i| format!(" xmlns:p{i}='urn:{i}'")).collect();
    for (xml, key) in [
        ("<a b='1' c='' b='2'/>".to_owned(), "b"),
        (
            "<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>".to_owned(),
            "q:b",
        ),
        ("<a xmlns:p='u' xmlns:p='v'/>".to_owned(), "xmlns:p"),
        ("<a xmlns='u' b='1' xmlns='u'/>".to_owned(), "xmlns"),
        (format!("<a{many} xmlns:p7='urn:x'/>"), "xmlns:p7"),
    ] {
        let e = events(&xml).expect_err(&xml);
        assert!(
            e.fr.contains(&format!("attribut « {key} » en double")),
            "{xml}: {}",
            e.fr
        );
    }
    for xml in [
        "<a xmlns:p='u'><b xmlns:p='v' p:c='1'/><c xmlns='w' xmlns:p='u'/></a>".to_owned(),
        format!("<a{many}><b{many}/></a>"),
    ] {
        assert!(events(&xml).is_ok(), "{xml}");
    }
}

#[test]
fn doctype_without_entities_is_accepted() {
    assert!(events("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>").is_ok());
}

#[test]
fn depth_is_limited() {
    let xml = "<a>".repeat(600) + &"</a>".repeat(600);
    let err = events(&xml).unwrap_err();
    assert_eq!(err.kind, XmlErrorKind::Limit);
}

/// Every event of `r` (positions included) up to the end of its input, with a digest of the
/// bytes read at each end tag, then its state or its error.
/// What [`trace`] does with white space.
#[derive(Clone, Copy, PartialEq)]
enum Blanks {
    /// Handed out, as the reader does by default.
    Kept,
    /// Dropped by every element ([`BlankText::Drop`]).
    Dropped,
    /// Handed out by the reader, left out of the trace where [`Blanks::Dropped`] would drop
    /// it (blank text without CDATA: every element is in that mode).
    Omitted,
}

fn trace<S: Source>(
    mut r: XmlReader<S>,
    out: &mut Vec<String>,
    blanks: Blanks,
) -> Option<XmlState> {
    r.digest_input();
    loop {
        match r.next_event() {
            Ok(XmlEvent::Text {
                blank: true,
                cdata: false,
                ..
            }) if blanks == Blanks::Omitted => {}
            Ok(XmlEvent::Suspend) => return Some(r.suspend()),
            Ok(XmlEvent::Eof) => {
                out.push(format!("eof at {}", r.offset()));
                return None;
            }
            Ok(XmlEvent::End(pos)) => {
                let digest = r.take_digest();
                out.push(format!("end {pos:?} at {} {digest:?}", r.offset()));
            }
            // The namespace table's map prints in any order: its URIs by id instead.
            Ok(XmlEvent::Start(s, ns)) => {
                let uri = s.ns.map(|id| ns.uri(id));
                out.push(format!("{s:?} in {uri:?}"));
                if blanks == Blanks::Dropped {
                    r.set_blank_text(BlankText::Drop);
                }
            }
            Ok(e) => out.push(format!("{e:?}")),
            Err(e) => {
                out.push(format!("error {e:?}"));
                return None;
            }
        }
    }
}

/// Reads `xml` cut at `cut` in two segments (the first in fragment mode), each with the
/// buffered source or in memory.
fn read_in_two(
    xml: &str,
    cut: usize,
    limits: Limits,
    in_memory: bool,
    blanks: Blanks,
) -> Vec<String> {
    let (first, second) = xml.as_bytes().split_at(cut);
    let mut out = Vec::new();
    let state = if in_memory {
        trace(
            XmlReader::resume_in_memory(first, limits, XmlState::start(), false),
            &mut out,
            blanks,
        )
    } else {
        trace(
            XmlReader::resume(first, limits, XmlState::start(), false),
            &mut out,
            blanks,
        )
    };
    let Some(state) = state else { return out };
    out.push(format!(
        "suspended at {}:{} ({})",
        state.line, state.line_start, state.offset
    ));
    let state = if in_memory {
        trace(
            XmlReader::resume_in_memory(second, limits, state, true),
            &mut out,
            blanks,
        )
    } else {
        trace(
            XmlReader::resume(second, limits, state, true),
            &mut out,
            blanks,
        )
    };
    if let Some(state) = state {
        out.push(format!("suspended at {} ({})", state.line, state.offset));
    }
    out
}

#[test]
fn segments_in_memory_read_as_buffered_ones() {
    let doc = "<?xml version=\"1.0\"?>\r\n<!-- c -->\n<a xmlns=\"urn:a\" xmlns:p=\"urn:p\">\n  \
               <p:b x=\"1&amp;2\" p:y='é'>t&lt;&#233;x\r\n<![CDATA[<c>]]></p:b>\n  <c/>\
               <?pi x?>\n  <d>\u{1F600} ü\n\n</d>\n  <e/><f>z</f></a>\n";
    let bad = "<a>\n  <b>x</c>\n</a>";
    let truncated = "<a>\n  <b>x</b>\n  <c>";
    for xml in [doc, bad, truncated] {
        for (cut, _) in xml.match_indices('<') {
            for limits in [Limits::default(), Limits::default().with_max_event_bytes(8)] {
                for blanks in [Blanks::Kept, Blanks::Dropped] {
                    let buffered = read_in_two(xml, cut, limits, false, blanks);
                    let in_memory = read_in_two(xml, cut, limits, true, blanks);
                    assert_eq!(in_memory, buffered, "{xml:?} cut at {cut}");
                    assert!(buffered.len() > 2, "{buffered:?}");
                }
            }
        }
    }
    // The limit holds in memory as it does when reading a file.
    let long = format!("<a>{}</a>", "x".repeat(100));
    let limits = Limits::default().with_max_event_bytes(50);
    let got = read_in_two(&long, 0, limits, true, Blanks::Kept);
    assert!(
        got.iter().any(|e| e.contains("Limit")),
        "the text over the limit is refused: {got:?}"
    );
}

/// White space up to a tag, in an element that drops it, is skipped unread
/// ([`Source::skip_blank_to_tag`]): every other event, position, offset, digest and error is
/// the one read with the white space handed out, whatever the source and the limit.
#[test]
fn skipped_white_space_leaves_the_other_events_as_they_were() {
    let docs = [
        "<?xml version=\"1.0\"?>\r\n<!-- c -->\n<a xmlns=\"urn:a\" xmlns:p=\"urn:p\">\n  \
         <p:b x=\"1&amp;2\">\r\n\t<c/>  \r\n  </p:b>  <!-- x -->  <d>t</d>\n  <?p?>\n \
         <e> </e>&#32;<f>  <![CDATA[ ]]>  </f>\n\n  <g>\u{1F600} </g>   \n</a>\n",
        // Text after white space, in an element that drops white space only.
        "<a>\n  x <b/>\n  <!-- c --> y\n  </a>",
        // Errors after white space: a wrong end tag, a duplicate attribute, a stray `<`.
        "<a>\n  <b>\n  </c>\n</a>",
        "<a>\n  <b x='1' x='2'/>\n</a>",
        "<a>\n  < b/></a>",
        // White space up to the end, a long run of it (over an 8-byte limit).
        "<a>\n  <b>x</b>\n  ",
        "<a>                    <b/></a>",
    ];
    for xml in docs {
        for limits in [Limits::default(), Limits::default().with_max_event_bytes(8)] {
            for in_memory in [false, true] {
                let read = |blanks| {
                    let mut out = Vec::new();
                    let bytes = xml.as_bytes();
                    let state = XmlState::start();
                    if in_memory {
                        let r = XmlReader::resume_in_memory(bytes, limits, state, false);
                        trace(r, &mut out, blanks);
                    } else {
                        trace(
                            XmlReader::resume(bytes, limits, state, false),
                            &mut out,
                            blanks,
                        );
                    }
                    out
                };
                let dropped = read(Blanks::Dropped);
                assert_eq!(
                    dropped,
                    read(Blanks::Omitted),
                    "{xml:?} in memory: {in_memory}"
                );
                assert!(dropped.len() >= 2, "{dropped:?}");
            }
        }
    }
}

/// What [`Source::skip_blank_to_tag`] skips: white space up to a start or an end tag, nothing
/// before a comment, a CDATA section, a processing instruction, text or the end, nothing
/// longer than an event may be; the next event's span starts after it.
#[test]
fn white_space_is_skipped_up_to_a_tag_only() {
    let cases: [(&str, u64); 9] = [
        ("\n  <b/>", 3),
        (" \t\r\n</a>", 4),
        ("<b/>", 0),
        ("  <!-- c -->", 0),
        ("  <![CDATA[x]]>", 0),
        ("  <?p?>", 0),
        ("  x<b/>", 0),
        ("   ", 0),
        ("  <", 0),
    ];
    fn skip<S: Source>(mut src: S) -> (u64, u64) {
        // The start tag first: the source then holds what follows.
        src.read(|e, _| assert!(matches!(e, Ok(Event::Start(_)))));
        src.skip_blank_to_tag();
        let skipped = src.offset() - 3;
        let next = src.read(|_, span| span.offset);
        (skipped, next - 3)
    }
    for (rest, skipped) in cases {
        let doc = format!("<a>{rest}");
        for limit in [u64::MAX, 3] {
            let limits = Limits::default().with_max_event_bytes(limit);
            let expected = if skipped > limit { 0 } else { skipped };
            let state = XmlState::start();
            let buffered = skip(Buffered::new(doc.as_bytes(), limits, &state));
            assert_eq!(buffered, (expected, expected), "{doc:?}, limit {limit}");
            let in_memory = skip(InMemory::new(doc.as_bytes(), limits, &state));
            assert_eq!(
                in_memory,
                (expected, expected),
                "{doc:?} in memory, limit {limit}"
            );
        }
    }
}
