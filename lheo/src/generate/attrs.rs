//! Attributes: the ten standard ones (`numero`, `info`, `ref`, `id`, `idref`, `tag`,
//! `horodatage-*`, `uri`) where producers put them, the element-specific ones of the schema
//! (`datemaj`, `datecrea`, `href`, `file`), each written at least once per feed.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::codes::{self, push_date, Partial};
use super::plan::add_days;
use super::walk::{feature, Walker};
use crate::schema::{self, id, AttrType, ElementId, STD_ATTRIBUTES};

/// The web site of the Carif-Oref of a region.
pub(crate) fn carif_site(region: &str) -> &'static str {
    match region {
        "11" => "www.defi-metiers.fr",
        "44" => "formation.grandest.fr",
        "84" => "www.via-competences.fr",
        "76" => "www.meformerenregion.fr",
        "52" => "www.choisirmonmetier-paysdelaloire.fr",
        "53" => "www.gref-bretagne.com",
        "28" => "www.avenirs-normandie.fr",
        "32" => "www.c2rp.fr",
        "75" => "www.cap-metiers.pro",
        "93" => "www.orientation-regionsud.fr",
        _ => "www.intercarif.org",
    }
}

impl<W: Write> Walker<'_, W> {
    /// The nomenclature version element `id` takes in `@ref`, if its documentation asks for one.
    fn ref_version(&self, id: ElementId) -> Option<&'static str> {
        self.ref_version.get(usize::from(id.0)).copied().flatten()
    }

    /// `true` when some standard attribute has a policy on element `id` (a fast path: most
    /// elements have none).
    pub(crate) fn attribute_policy(&self, id: ElementId) -> bool {
        (0..4).any(|nth| {
            STD_ATTRIBUTES.iter().any(|(name, _)| {
                self.attr_percent(id, nth, name) > 0 || (id == id::CODE_FORMACODE && *name == "tag")
            })
        })
    }

    /// How often producers put the standard attribute `name` on element `id` (percent).
    fn attr_percent(&self, id: ElementId, nth: u32, name: &str) -> u32 {
        let first = nth == 0;
        match (id, name) {
            (
                id::FORMATION
                | id::ACTION
                | id::SESSION
                | id::RECRUTEMENT
                | id::RESUME_OFFRE
                | id::RESUME_ORGANISME,
                "numero",
            ) => 100,
            (id::ORGANISME_FORMATION_RESPONSABLE, "numero") => 90,
            (id::ORGANISME_FORMATEUR, "numero") => 70,
            (id::FORMATION, "ref") => 30,
            (id::ACTION | id::SESSION, "ref") => 15,
            (id::FORMATION, "horodatage-creation" | "horodatage-modification") => 40,
            (id::FORMATION | id::LHEO, "horodatage-export") => 20,
            (id::ACTION | id::SESSION, "horodatage-modification") => 15,
            (id::FORMATION, "uri") => 25,
            (id::CERTIFICATION, "id") => 80,
            (id::CERTIFICATION, "uri") => 30,
            (id::REFERENCE_CERTIFICATION, "idref") => 70,
            (id::CONTACT_FORMATION, "id") => 20,
            (id::CONTACT_SESSION, "idref") => 15,
            (id::LIEU_DE_FORMATION, "id") => 25,
            (
                id::CONTACT_FORMATION
                | id::CONTACT_SESSION
                | id::CONTACT_ORGANISME
                | id::CONTACT_FORMATEUR
                | id::LIEU_DE_FORMATION
                | id::ORGANISME_FORMATEUR,
                "tag",
            ) if first => 50,
            (id::CODE_FORMACODE, "tag")
                if first && self.parent() == Some(id::DOMAINE_FORMATION) =>
            {
                70
            }
            (id::EXTRAS, "info") => 90,
            (id::EXTRA, "info") => 100,
            (_, "ref") if self.ref_version(id).is_some() => 100,
            _ => 0,
        }
    }

    /// Writes the attributes of element `id`.
    pub(crate) fn attributes(&mut self, id: ElementId, nth: u32) -> io::Result<()> {
        // Now and then any element gets one more attribute, as in hand-made feeds.
        let sprinkle = if self.rng.per_mille(3) {
            let name = self.rng.pick(
                &["numero", "info", "tag", "id", "horodatage-modification"],
                "info",
            );
            STD_ATTRIBUTES.iter().position(|(n, _)| *n == name)
        } else {
            None
        };
        let policy = self
            .has_policy
            .get(usize::from(id.0))
            .copied()
            .unwrap_or(false);
        for (i, (name, ty)) in STD_ATTRIBUTES.iter().enumerate() {
            if !policy && sprinkle != Some(i) {
                continue;
            }
            let pc = self.attr_percent(id, nth, name);
            let unseen = !self.attr_seen[i];
            let wanted = (pc > 0 && (unseen || self.rng.percent(pc)))
                || (sprinkle == Some(i) && *ty != AttrType::IdRef);
            if !wanted {
                continue;
            }
            if let Some(v) = self.attr_value(id, name, *ty) {
                self.out.attr(name, &v)?;
                self.attr_seen[i] = true;
            }
        }
        let decl = schema::element(id);
        let seen = self
            .extra_attr_seen
            .get(usize::from(id.0))
            .copied()
            .unwrap_or(!0);
        for (i, name) in decl.extra_attributes.iter().enumerate() {
            let pc = match *name {
                "datemaj" => 70,
                "datecrea" => 60,
                "href" => 25,
                _ => 5,
            };
            let bit = 1u32.checked_shl(i as u32).unwrap_or(0);
            let unseen = seen & bit == 0;
            if unseen || self.rng.percent(pc) {
                let v = self.extra_attr_value(id, name);
                self.out.attr(name, &v)?;
                if let Some(s) = self.extra_attr_seen.get_mut(usize::from(id.0)) {
                    *s |= bit;
                }
            }
        }
        if id == id::EXTRA {
            self.free_attributes()?;
        }
        Ok(())
    }

    /// Attributes of `extra` beyond the standard ones (`xs:anyType` accepts any).
    fn free_attributes(&mut self) -> io::Result<()> {
        if self.features & feature::ATTRIBUTES == 0 || self.rng.percent(15) {
            self.features |= feature::ATTRIBUTES;
            self.out.attr("source", "carif-oref")?;
            if self.rng.percent(50) {
                self.out.attr("xml:lang", "fr")?;
            }
        }
        Ok(())
    }

    fn attr_value(&mut self, id: ElementId, name: &str, ty: AttrType) -> Option<String> {
        let mut v = String::new();
        match ty {
            AttrType::Id => {
                let prefix = match id {
                    id::CERTIFICATION => "cert",
                    id::CONTACT_FORMATION => "contact",
                    id::LIEU_DE_FORMATION => "lieu",
                    id::SESSION => "session",
                    _ => "id",
                };
                let n = self.next_number();
                let _ = write!(v, "{prefix}-{n}");
                if let Some(u) = self.unit.as_mut() {
                    match id {
                        id::CERTIFICATION => u.cert_ids.push(v.clone()),
                        id::CONTACT_FORMATION => u.contact_ids.push(v.clone()),
                        _ => {}
                    }
                }
                if self.recent_ids.len() == 32 {
                    self.recent_ids.pop_front();
                }
                self.recent_ids.push_back(v.clone());
            }
            AttrType::IdRef => {
                let targets = match (id, &self.unit) {
                    (id::REFERENCE_CERTIFICATION, Some(u)) => &u.cert_ids,
                    (id::CONTACT_SESSION, Some(u)) => &u.contact_ids,
                    _ => return None,
                };
                let i = self.rng.index(targets.len());
                v.push_str(targets.get(i)?);
            }
            AttrType::DateTime => {
                let back = match name {
                    "horodatage-creation" => self.rng.range(30, 900),
                    "horodatage-modification" => self.rng.range(1, 29),
                    _ => 0,
                };
                let day = add_days(self.opts.today, -back);
                codes::push_datetime(&mut v, &mut self.rng, day);
            }
            AttrType::AnyUri => {
                let region = self.current_town().region;
                match (id, &self.unit) {
                    (id::FORMATION, Some(u)) => {
                        let _ = write!(v, "https://{}/formation/{}", carif_site(region), u.numero);
                    }
                    (id::CERTIFICATION, Some(u)) if u.prog.rncp.is_some() => {
                        let rncp = u.prog.rncp.unwrap_or_default();
                        let _ =
                            write!(v, "https://www.francecompetences.fr/recherche/rncp/{rncp}/");
                    }
                    _ => {
                        let n = self.next_number();
                        let _ = write!(v, "urn:lheo:{}:{n}", schema::element(id).name);
                    }
                }
            }
            AttrType::String => match name {
                "numero" => self.numero(id, &mut v),
                "info" => v.push_str(self.info(id)),
                "ref" if self.ref_version(id).is_some() => {
                    v.push_str(self.ref_version(id).unwrap_or_default())
                }
                "ref" => {
                    let _ = write!(v, "{}", self.rng.between(100, 99_999));
                }
                "tag" => v.push_str("principal"),
                _ => v.push_str("synthétique"),
            },
        }
        Some(v)
    }

    fn numero(&mut self, id: ElementId, v: &mut String) {
        match id {
            id::FORMATION | id::RESUME_OFFRE | id::RESUME_ORGANISME => {
                if let Some(u) = &self.unit {
                    v.push_str(&u.numero);
                }
            }
            id::ACTION => {
                if let Some(a) = &self.action {
                    v.push_str(&a.numero);
                }
            }
            id::SESSION => {
                if let Some(s) = &self.session {
                    v.push_str(&s.numero);
                }
            }
            id::RECRUTEMENT => {
                if let Some(s) = &self.session {
                    let _ = write!(v, "{}-R{}", s.numero, s.written + 1);
                }
            }
            id::ORGANISME_FORMATION_RESPONSABLE | id::ORGANISME_FORMATEUR => {
                if let Some(o) = self.current_org() {
                    let _ = write!(v, "OF_{}", o.siren);
                }
            }
            _ => {}
        }
        if v.is_empty() {
            let n = self.next_number();
            let _ = write!(v, "N{n:07}");
        }
    }

    fn info(&mut self, id: ElementId) -> &'static str {
        match id {
            id::EXTRA => self.extra.map_or("complement", |k| k.info()),
            id::EXTRAS => self.rng.pick(
                &[
                    "dispositif",
                    "specificites",
                    "flux-intercarif",
                    "financement",
                ],
                "dispositif",
            ),
            _ => "information complémentaire",
        }
    }

    fn extra_attr_value(&mut self, id: ElementId, name: &str) -> String {
        let mut v = String::new();
        let today = self.opts.today;
        match name {
            "datecrea" => push_date(
                &mut v,
                add_days(today, -self.rng.range(30, 900)),
                Partial::Day,
            ),
            "datemaj" => push_date(
                &mut v,
                add_days(today, -self.rng.range(0, 29)),
                Partial::Day,
            ),
            "href" => {
                let site = carif_site(self.current_town().region);
                match (id, &self.unit) {
                    (id::ORGANISME_FORMATION_RESPONSABLE, Some(u)) => {
                        let _ = write!(v, "https://{site}/organisme/{}", u.org.siren);
                    }
                    (_, Some(u)) => {
                        let _ = write!(v, "https://{site}/formation/{}", u.numero);
                    }
                    _ => {
                        let _ = write!(v, "https://{site}/");
                    }
                }
            }
            "file" => {
                let n = self.unit.as_ref().map_or("offre", |u| u.numero.as_str());
                let _ = write!(v, "offres/{n}.xml");
            }
            _ => v.push_str("synthétique"),
        }
        v
    }
}
