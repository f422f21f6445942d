//! Extensions (`extras`, `extra`): nested containers, text, elements of other namespaces or of
//! none, mixed content, and LHEO elements inside `extra` (which the XSD validates laxly, i.e.
//! strictly for the elements it declares).

use std::fmt::Write as _;
use std::io::{self, Write};

use super::codes::{push_date, Partial};
use super::walk::{feature, Walker};
use crate::schema::{id, ElementId};
use crate::writer::xml::escape_text;

/// What an `extra` holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExtraKind {
    /// Text only, e.g. `<extra info="contrat-apprentissage">0</extra>`.
    Text(usize),
    /// An element of a foreign namespace, with attributes.
    Foreign,
    /// Elements in no namespace.
    NoNamespace,
    /// Text and elements.
    Mixed,
    /// An LHEO element.
    Lheo(ElementId),
}

/// `(info, text)` of text extras seen in Carif-Oref feeds.
static TEXTS: &[(&str, &str)] = &[
    ("contrat-apprentissage", "0"),
    ("contrat-professionnalisation", "1"),
    ("programme-financeur", "PRF 2027"),
    ("ref-action-marche-financeur", "BOP 103"),
    ("eligible-cpf", "1"),
    ("code-dispositif", "AIF"),
    (
        "public-prioritaire",
        "Demandeurs d'emploi & salariés en reconversion",
    ),
    ("date-export", ""),
];

/// LHEO elements producers put in an `extra`, with the `info` they give.
static LHEO_IN_EXTRA: &[(ElementId, &str)] = &[
    (id::ADRESSE, "lieu-complementaire"),
    (id::COORDONNEES, "contact-complementaire"),
    (id::CODE_FORMACODE, "formacode-secondaire"),
    (id::PERIODE, "periode-fermeture"),
    (id::URLWEB, "lien"),
];

impl ExtraKind {
    /// The `info` attribute of an `extra` of this kind.
    pub(crate) fn info(self) -> &'static str {
        match self {
            ExtraKind::Text(i) => TEXTS.get(i).map_or("complement", |t| t.0),
            ExtraKind::Foreign => "zonage",
            ExtraKind::NoNamespace => "tarifs",
            ExtraKind::Mixed => "note",
            ExtraKind::Lheo(e) => LHEO_IN_EXTRA
                .iter()
                .find(|(x, _)| *x == e)
                .map_or("element-lheo", |x| x.1),
        }
    }

    fn feature(self) -> u8 {
        match self {
            ExtraKind::Text(_) => feature::TEXT,
            ExtraKind::Foreign => feature::FOREIGN,
            ExtraKind::NoNamespace => feature::NO_NAMESPACE,
            ExtraKind::Mixed => feature::MIXED,
            ExtraKind::Lheo(_) => feature::LHEO,
        }
    }
}

impl<W: Write> Walker<'_, W> {
    /// Chooses what the next `extra` holds: a kind not written yet, else a random one
    /// (mostly text, as in real feeds).
    pub(crate) fn extra_kind(&mut self) -> ExtraKind {
        let lheo = {
            let i = self.rng.index(LHEO_IN_EXTRA.len());
            ExtraKind::Lheo(LHEO_IN_EXTRA.get(i).map_or(id::URLWEB, |x| x.0))
        };
        let text = ExtraKind::Text(self.rng.index(TEXTS.len()));
        let kinds = [
            text,
            ExtraKind::Foreign,
            ExtraKind::NoNamespace,
            ExtraKind::Mixed,
            lheo,
        ];
        if let Some(k) = kinds.iter().find(|k| self.features & k.feature() == 0) {
            return *k;
        }
        match self.rng.below(10) {
            0 => ExtraKind::Foreign,
            1 => ExtraKind::NoNamespace,
            2 => ExtraKind::Mixed,
            3 if self.extras_depth < 3 => lheo,
            _ => text,
        }
    }

    /// The children of an `extras`: `extra` elements and, now and then, a nested `extras`.
    pub(crate) fn extras_items(
        &mut self,
        min: u32,
        max: Option<u32>,
        children: &[ElementId],
    ) -> io::Result<()> {
        let n = if self.features == feature::ALL {
            self.rng.between(1, 3)
        } else {
            3
        };
        let n = n.max(min).min(max.unwrap_or(u32::MAX));
        for i in 0..n {
            let nest = children.contains(&id::EXTRAS)
                && self.extras_depth < 3
                && (self.features & feature::NESTED == 0 || self.rng.percent(10));
            let child = if nest {
                self.features |= feature::NESTED;
                id::EXTRAS
            } else if children.contains(&id::EXTRA) {
                id::EXTRA
            } else {
                match children.first() {
                    Some(c) => *c,
                    None => return Ok(()),
                }
            };
            self.element(child, i)?;
        }
        Ok(())
    }

    /// The content of an `extra` (`xs:anyType`).
    pub(crate) fn extra_content(&mut self) -> io::Result<()> {
        let kind = self.extra.unwrap_or(ExtraKind::Text(0));
        self.features |= kind.feature();
        let mut s = String::new();
        match kind {
            ExtraKind::Text(i) => match TEXTS.get(i) {
                Some((_, "")) | None => push_date(&mut s, self.opts.today, Partial::Day),
                Some((_, t)) => s.push_str(t),
            },
            ExtraKind::Foreign => {
                let code = self.rng.between(1, 99);
                let _ = write!(
                    s,
                    "<ic:zone xmlns:ic=\"https://www.intercarif.org/ns/extension/1.0\" type=\"QPV\" code=\"QP0{}{code:03}\">Quartier prioritaire de la politique de la ville</ic:zone>",
                    self.current_town().departement
                );
                return self.out.raw(&s);
            }
            ExtraKind::NoNamespace => {
                let prix = self.rng.between(900, 9_000);
                let _ = write!(
                    s,
                    "<tarifs xmlns=\"\"><tarif public=\"demandeur-emploi\" devise=\"EUR\">0</tarif><tarif public=\"salarie\" devise=\"EUR\">{prix},00</tarif></tarifs>"
                );
                return self.out.raw(&s);
            }
            ExtraKind::Mixed => {
                let mut m = Vec::new();
                m.extend_from_slice(b"Financement possible par le ");
                m.extend_from_slice(
                    b"<abbr xmlns=\"\" title=\"Compte personnel de formation\">CPF</abbr>",
                );
                escape_text(" & par l'OPCO de branche.", &mut m)?;
                return self.out.raw(&String::from_utf8_lossy(&m));
            }
            ExtraKind::Lheo(e) => return self.element(e, 0),
        }
        self.out.text(&s)
    }
}
