//! A report as text, for the differential targets (`parallel`, `convert`) to compare: every
//! field of every finding, in order.

use lheo::validate::Report;

/// The report's version, root, encoding and findings, one per line.
pub fn render(r: &Report) -> String {
    let mut s = format!("{:?} {:?} {:?}\n", r.version, r.root, r.encoding);
    for d in &r.diagnostics {
        s.push_str(&format!(
            "{} {:?} {:?} {} | {} | {}\n",
            d.code(), d.severity, d.location, d.path, d.message.fr, d.message.en
        ));
    }
    s
}
