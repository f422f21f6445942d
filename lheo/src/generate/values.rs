//! Text of simple elements. Each value comes from the context when the element has a
//! realistic meaning (a programme's title, a session's dates, an address's postcode), else
//! from its simple type (dictionary, range, format, pattern, lengths); then it is held to the
//! schema's facets, so a value that does not fit can never reach the output.

use std::fmt::Write as _;
use std::io::Write;

use super::codes::{self, push_date, Hour, Partial};
use super::data;
use super::plan::{add_days, month_end, year_end};
use super::walk::Walker;
use crate::model::Date;
use crate::schema::{self, id, Base, DictDecl, ElementId, Format, SimpleType};

const RYTHMES: &[&str] = &[
    "Temps plein : 35 heures par semaine, du lundi au vendredi.",
    "Temps partiel : 2 jours par semaine.",
    "Cours du soir, de 18h à 21h, deux fois par semaine.",
    "Temps plein, en alternance : 2 semaines en centre, 2 semaines en entreprise.",
];
const ALTERNANCES: &[&str] = &[
    "Aucune alternance.",
    "Stage en entreprise de 4 semaines en fin de parcours.",
    "Alternance : 2 jours en centre, 3 jours en entreprise.",
];
const CONDITIONS: &[&str] = &[
    "Aucune.",
    "Savoir lire, écrire et compter.",
    "Avoir un projet professionnel validé dans le métier visé.",
    "Être âgé de 18 ans minimum ; aptitude médicale requise.",
    "Niveau A2 en français à l'oral et à l'écrit.",
];
const RESTAURATION: &[&str] = &[
    "Oui",
    "Non",
    "Self sur place (3,50 € le repas).",
    "Restaurant d'entreprise à proximité.",
];
const HEBERGEMENT: &[&str] = &[
    "Non",
    "Internat possible sur demande.",
    "Liste de logements disponible à l'accueil.",
];
const TRANSPORT: &[&str] = &[
    "Tram ligne 1, arrêt Université.",
    "Bus lignes 3 et 12.",
    "Parking gratuit sur place.",
    "Gare SNCF à 10 minutes à pied.",
];
const HANDICAP: &[&str] = &[
    "Oui",
    "Locaux accessibles aux personnes à mobilité réduite.",
    "Référent handicap : contacter l'accueil.",
];
const ENSEIGNEMENTS: &[&str] = &[
    "Anglais",
    "Mathématiques",
    "Prévention santé environnement",
    "Éducation physique et sportive",
    "Arts appliqués",
];

impl<W: Write> Walker<'_, W> {
    /// Writes the text of simple element `id` (the `nth` of its particle) into `buf`.
    pub(crate) fn simple_value(
        &mut self,
        id: ElementId,
        nth: u32,
        st: &SimpleType,
        buf: &mut String,
    ) {
        if !self.realistic_value(id, nth, buf) {
            buf.clear();
            self.default_value(st, buf);
        }
    }

    /// A value with a meaning in context; `false` when the element has none.
    fn realistic_value(&mut self, id: ElementId, nth: u32, buf: &mut String) -> bool {
        let prog = self.unit.as_ref().map(|u| u.prog);
        let parent = self.parent();
        let n = nth as usize;
        match id {
            id::INTITULE_FORMATION => {
                let Some(p) = prog else { return false };
                buf.push_str(p.intitule);
                if self.rng.percent(20) {
                    let _ = write!(buf, " - {}", self.current_town().ville);
                }
            }
            id::OBJECTIF_FORMATION => {
                let Some(p) = prog else { return false };
                let _ = write!(
                    buf,
                    "Acquérir les compétences nécessaires pour exercer le métier de {} : {}.",
                    p.metier,
                    p.competences.join(" ; ")
                );
            }
            id::RESULTATS_ATTENDUS => {
                let Some(p) = prog else { return false };
                if p.rncp.is_some() || p.rs.is_some() {
                    let _ = write!(buf, "{}. Validation totale ou partielle par blocs de compétences.", p.intitule);
                } else {
                    buf.push_str("Attestation de fin de formation mentionnant les compétences acquises.");
                }
            }
            id::CONTENU_FORMATION => {
                let Some(p) = prog else { return false };
                let html = self.rng.percent(15);
                if html {
                    buf.push_str("<p>");
                }
                for (i, c) in p.competences.iter().enumerate() {
                    let _ = write!(buf, "Module {} : {c}.", i + 1);
                    buf.push_str(if html { "<br />" } else { "\n" });
                }
                buf.push_str("Période d'application en entreprise. Techniques de recherche d'emploi.");
                if html {
                    buf.push_str("</p>");
                }
            }
            id::CERTIFIANTE => buf.push_str(if self.unit.as_ref().is_some_and(|u| u.certifiante()) { "1" } else { "0" }),
            id::CODE_NIVEAU_SORTIE => buf.push_str(prog.map_or("0", |p| p.niveau)),
            id::OBJECTIF_GENERAL_FORMATION => {
                let certif = self.unit.as_ref().is_some_and(|u| u.certifiante());
                buf.push_str(if certif { "6" } else { self.rng.pick(&["5", "7", "9", "2"], "5") });
            }
            id::CODE_FORMACODE => {
                let code = match (parent, prog) {
                    (Some(id::DOMAINE_FORMATION), Some(p)) => p.formacodes.get(n % p.formacodes.len().max(1)).copied(),
                    _ => {
                        let p = self.rng.pick(data::PROGRAMMES, data::PROGRAMMES[0]);
                        p.formacodes.first().copied()
                    }
                };
                buf.push_str(code.unwrap_or("15254"));
            }
            id::CODE_NSF => buf.push_str(prog.map_or("415", |p| p.nsf)),
            id::CODE_ROME => {
                let code = prog.and_then(|p| p.romes.get(n)).copied();
                buf.push_str(code.unwrap_or_else(|| {
                    let p = self.rng.pick(data::PROGRAMMES, data::PROGRAMMES[0]);
                    p.romes.first().copied().unwrap_or("K2111")
                }));
            }
            id::CODE_RNCP | id::REFERENCE_CODE_RNCP => match prog.and_then(|p| p.rncp) {
                Some(c) if self.rng.percent(30) => {
                    let _ = write!(buf, "RNCP{c}");
                }
                Some(c) => buf.push_str(c),
                None => {
                    let _ = write!(buf, "{}", self.rng.between(30_000, 39_999));
                }
            },
            id::CODE_RS | id::REFERENCE_CODE_RS => {
                let c = prog.and_then(|p| p.rs).map_or_else(|| self.rng.between(5000, 6999).to_string(), str::to_owned);
                let _ = write!(buf, "RS{c}");
            }
            id::CODE_CERTIFINFO | id::REFERENCE_CODE_CERTIFINFO => match prog.and_then(|p| p.certifinfo) {
                Some(c) => buf.push_str(c),
                None => {
                    let _ = write!(buf, "{}", self.rng.between(80_000, 119_999));
                }
            },
            id::CODE_CPF => {
                let _ = write!(buf, "CPF{}", self.rng.between(200, 99_999));
            }
            id::CODE_ELU => {
                let _ = write!(buf, "ELU{}", self.rng.between(1000, 9999));
            }
            id::REFERENCE_CODE_FORMACODE => buf.push_str(prog.and_then(|p| p.formacodes.first().copied()).unwrap_or("15254")),
            id::CODE_PUBLIC_VISE => buf.push_str(data::PUBLICS.get(n % data::PUBLICS.len()).copied().unwrap_or("83056")),
            id::INFO_PUBLIC_VISE => buf.push_str("Demandeurs d'emploi, salariés en reconversion et jeunes de 16 à 25 ans."),
            id::CODE_MODALITE_PEDAGOGIQUE => buf.push_str(self.rng.pick(data::MODALITES_PEDAGOGIQUES, "96311")),
            id::LANGUE_FORMATION => buf.push_str(if n == 0 { "fr" } else { self.rng.pick(data::LANGUES, "en") }),
            id::RYTHME_FORMATION => buf.push_str(self.rng.pick(RYTHMES, RYTHMES[0])),
            id::MODALITES_ALTERNANCE => buf.push_str(self.rng.pick(ALTERNANCES, ALTERNANCES[0])),
            id::CONDITIONS_SPECIFIQUES => buf.push_str(self.rng.pick(CONDITIONS, CONDITIONS[0])),
            id::RESTAURATION => buf.push_str(self.rng.pick(RESTAURATION, "Non")),
            id::HEBERGEMENT => buf.push_str(self.rng.pick(HEBERGEMENT, "Non")),
            id::TRANSPORT => buf.push_str(self.rng.pick(TRANSPORT, TRANSPORT[0])),
            id::ACCES_HANDICAPES => buf.push_str(self.rng.pick(HANDICAP, "Oui")),
            id::MODALITES_RECRUTEMENT => buf.push_str("Information collective, tests de positionnement puis entretien individuel."),
            id::MODALITES_PEDAGOGIQUES => buf.push_str("Cours en présentiel, plateau technique et plateforme de formation à distance."),
            id::MODALITES_INSCRIPTION => buf.push_str("Inscription après information collective et entretien individuel."),
            id::FRAIS_RESTANTS => buf.push_str(self.rng.pick(&["Aucun frais pour les demandeurs d'emploi.", "Frais d'inscription : 50 €."], "")),
            id::DETAIL_CONDITIONS_PRISE_EN_CHARGE => buf.push_str(
                "Formation financée par la Région pour les demandeurs d'emploi inscrits à France Travail. Rémunération possible selon la situation.",
            ),
            id::RENSEIGNEMENTS_SPECIFIQUES => buf.push_str("Organisme certifié Qualiopi au titre des actions de formation."),
            id::INFOS_PERIMETRE_RECRUTEMENT => {
                let _ = write!(buf, "Candidats du département {}", self.current_town().departement);
            }
            id::CODE_FINANCEUR => buf.push_str(self.rng.pick(&["2", "4", "16", "5", "10", "3", "7"], "2")),
            id::NB_PLACES_FINANCEES => {
                let _ = write!(buf, "{}", self.rng.between(6, 24));
            }
            id::LIBELLE_ENSEIGNEMENT => buf.push_str(self.rng.pick(ENSEIGNEMENTS, "Anglais")),
            id::COUT_INDICATIF_EQUIPEMENT => {
                let _ = write!(buf, "{}", 10 * self.rng.between(2, 40));
            }
            id::NOMBRE_HEURES_CENTRE | id::NOMBRE_HEURES_ENTREPRISE | id::NOMBRE_HEURES_TOTAL | id::DUREE_CONVENTIONNEE => {
                let Some(a) = &self.action else {
                    let _ = write!(buf, "{}", prog.map_or(400, |p| p.heures));
                    return true;
                };
                let h = match id {
                    id::NOMBRE_HEURES_CENTRE => a.heures_centre,
                    id::NOMBRE_HEURES_ENTREPRISE => a.heures_entreprise,
                    _ => a.heures_centre + a.heures_entreprise,
                };
                let _ = write!(buf, "{h}");
            }
            id::DUREE_INDICATIVE => {
                let Some(a) = &self.action else { return false };
                let total = a.heures_centre + a.heures_entreprise;
                if self.rng.percent(50) {
                    let _ = write!(buf, "{total} heures");
                } else {
                    let _ = write!(buf, "{} mois", (total / 140).max(1));
                }
            }
            id::PRIX_HORAIRE_TTC => {
                let Some(a) = &self.action else { return false };
                let _ = write!(buf, "{}.{:02}", a.prix_horaire / 100, a.prix_horaire % 100);
            }
            id::PRIX_TOTAL_TTC => {
                let Some(a) = &self.action else { return false };
                let cents = u64::from(a.prix_horaire) * u64::from(a.heures_centre + a.heures_entreprise);
                let _ = write!(buf, "{}.{:02}", cents / 100, cents % 100);
            }
            id::DUREE_CYCLE | id::ANNEE_CYCLE => {
                let _ = write!(buf, "{}", self.rng.between(1, 3));
            }
            id::EFFECTIF_MINIMAL => {
                let _ = write!(buf, "{}", self.rng.between(6, 10));
            }
            id::CAPACITE_SIMULTANEE => {
                let _ = write!(buf, "{}", self.rng.between(12, 24));
            }
            id::CAPACITE_CUMULEE => {
                let _ = write!(buf, "{}", self.rng.between(24, 60));
            }
            id::UNITES_ENTREPRISE | id::UNITES_CENTRE => {
                let _ = write!(buf, "{}", self.rng.between(1, 4));
            }
            id::IDENTIFIANT_MODULE => {
                let Some(u) = &self.unit else { return false };
                let _ = write!(buf, "MOD-{}", u.numero);
            }
            id::REFERENCE_MODULE => {
                let k = if parent == Some(id::SOUS_MODULE) { self.parent_nth() as usize } else { n };
                let Some(u) = &self.unit else { return false };
                let _ = write!(buf, "MOD-{}-{}", u.numero, k + 1);
            }
            id::LIBELLE_BLOC => {
                let k = self.parent_nth() as usize;
                match prog.and_then(|p| p.blocs.get(k)) {
                    Some(b) => buf.push_str(b),
                    None => {
                        let _ = write!(buf, "Bloc de compétences n°{}", k + 1);
                    }
                }
            }
            id::CODE_BLOC => {
                let rncp = prog.and_then(|p| p.rncp).unwrap_or("35000");
                let _ = write!(buf, "RNCP{rncp}BC{:02}", self.parent_nth() + 1);
            }
            // Sessions and recruitment.
            id::DEBUT | id::FIN => {
                let Some((d, f)) = &self.periode else { return false };
                buf.push_str(if id == id::DEBUT { d } else { f });
            }
            id::DATE => {
                let day = add_days(self.opts.today, self.rng.range(7, 200));
                self.dates += 1;
                let precision = match (self.dates, self.rng.below(20)) {
                    (1, _) => Partial::Unknown,
                    (2, _) => Partial::Year,
                    (3, _) => Partial::Month,
                    (_, 0..=11) => Partial::Day,
                    (_, 12..=14) => Partial::Month,
                    (_, 15..=16) => Partial::Year,
                    _ => Partial::Unknown,
                };
                push_date(buf, day, precision);
            }
            id::ETAT_RECRUTEMENT => match &self.session {
                Some(s) if s.ouvert && self.opts.france_travail => buf.push('1'),
                _ => return false,
            },
            id::MODALITE_RECRUTEMENT => {
                let Some(rec) = &self.rec else { return false };
                buf.push_str(rec.modalite);
            }
            id::A_DISTANCE => match self.rec.as_ref().and_then(|r| r.a_distance) {
                Some(d) => buf.push_str(if d { "1" } else { "0" }),
                None => return false,
            },
            id::NB_PLACES => {
                let Some(n) = self.rec.as_ref().and_then(|r| r.nb_places) else { return false };
                let _ = write!(buf, "{n}");
            }
            id::HEURE_DEBUT | id::HEURE_FIN => {
                let (a, b) = self.rec.as_ref().and_then(|r| r.heures).unwrap_or((Hour::hm(9, 0), Hour::hm(12, 0)));
                let _ = write!(buf, "{}", if id == id::HEURE_DEBUT { a } else { b });
            }
            id::COMMENTAIRE => buf.push_str(match (parent, &self.rec) {
                (Some(id::RECRUTEMENT), Some(rec)) => match rec.modalite {
                    "7" => "Candidature en ligne : joindre un CV et une lettre de motivation.",
                    "8" => "Entretien individuel avec le formateur référent. Se munir d'un CV.",
                    "9" => "Réunion d'information collective suivie de tests de positionnement.",
                    _ => "Sélection sur dossier de candidature.",
                },
                (Some(id::EQUIPEMENT), _) => "Équipement à acquérir avant l'entrée en formation.",
                (Some(id::ENSEIGNEMENT), _) => "Deux heures par semaine.",
                _ => "Joignable du lundi au vendredi, de 9h à 17h.",
            }),
            // Organisations.
            id::NUMERO_ACTIVITE => {
                let Some(o) = self.current_org() else { return false };
                buf.push_str(&o.numero_activite);
            }
            id::NOM_ORGANISME => {
                let Some(u) = &self.unit else { return false };
                buf.push_str(&u.org.nom);
            }
            id::RAISON_SOCIALE => {
                let Some(u) = &self.unit else { return false };
                buf.push_str(&u.org.raison_sociale);
            }
            id::RAISON_SOCIALE_FORMATEUR => {
                let Some(o) = &self.formateur else { return false };
                buf.push_str(&o.raison_sociale);
            }
            id::SIRET => {
                let site = self.path.contains(&id::SIRET_LIEU_FORMATION);
                let Some(o) = self.current_org() else { return false };
                if site {
                    let siren = o.siren.clone();
                    buf.push_str(&codes::siret(&mut self.rng, &siren));
                } else {
                    buf.push_str(&o.siret);
                }
            }
            id::CODE_UAI => {
                let lieu = self.path.contains(&id::CODE_UAI_LIEU_FORMATION);
                match self.current_org().and_then(|o| o.uai.clone()) {
                    Some(u) if !lieu => buf.push_str(&u),
                    _ => {
                        let dep = self.current_town().departement;
                        buf.push_str(&codes::uai(&mut self.rng, dep));
                    }
                }
            }
            // People and places.
            id::CIVILITE | id::NOM | id::PRENOM => {
                let p = self.person.unwrap_or_else(|| super::walk::Person::new(&mut self.rng));
                buf.push_str(match id {
                    id::CIVILITE => p.civilite,
                    id::NOM => p.nom,
                    _ => p.prenom,
                });
            }
            id::COURRIEL => {
                let domaine = self.current_org().map_or("formation.fr", |o| o.domaine.as_str());
                match &self.person {
                    Some(p) => {
                        let _ = write!(buf, "{}.{}@{domaine}", codes::slug(p.prenom, '-'), codes::slug(p.nom, '-'));
                    }
                    None => {
                        let _ = write!(buf, "contact@{domaine}");
                    }
                }
            }
            id::LIGNE if parent == Some(id::ADRESSE) => {
                let Some(p) = self.place else { return false };
                match n {
                    0 => {
                        let _ = write!(buf, "{} {}", p.numero, p.street);
                    }
                    1 => buf.push_str(self.rng.pick(data::ADDRESS_COMPLEMENTS, "Bâtiment B")),
                    _ => {
                        let _ = write!(buf, "BP {}", self.rng.between(10, 990));
                    }
                }
            }
            id::LIGNE => buf.push_str(self.rng.pick(data::SERVICES, "Accueil")),
            id::DENOMINATION => {
                if self.rng.percent(50) {
                    buf.push_str(self.rng.pick(data::SITES, "Site principal"));
                } else {
                    let Some(o) = self.current_org() else { return false };
                    buf.push_str(&o.nom);
                }
            }
            id::CODEPOSTAL => buf.push_str(self.current_town().codepostal),
            id::VILLE => buf.push_str(self.current_town().ville),
            id::DEPARTEMENT => buf.push_str(self.current_town().departement),
            id::CODE_INSEE_COMMUNE => buf.push_str(self.current_town().insee),
            id::CODE_INSEE_CANTON => {
                let dep = self.current_town().departement;
                let _ = write!(buf, "{dep}{:02}", self.rng.between(1, 40));
            }
            id::REGION => buf.push_str(self.current_town().region),
            id::PAYS => buf.push_str("FR"),
            id::LATITUDE | id::LONGITUDE => {
                let t = self.current_town();
                let base = if id == id::LATITUDE { t.latitude } else { t.longitude };
                let jitter = self.rng.range(-20_000, 20_000) as f64 / 1_000_000.0;
                let _ = write!(buf, "{:.6}", base + jitter);
            }
            id::NUMTEL => {
                let prefix = match parent {
                    Some(id::PORTABLE) => self.rng.pick(&["06", "07"], "06"),
                    _ => self.current_town().tel,
                };
                let mut digits = String::from(prefix);
                while digits.len() < 10 {
                    digits.push(char::from(b'0' + self.rng.below(10) as u8));
                }
                if self.rng.percent(50) {
                    buf.push_str(&digits);
                } else {
                    for (i, c) in digits.chars().enumerate() {
                        if i > 0 && i % 2 == 0 {
                            buf.push(' ');
                        }
                        buf.push(c);
                    }
                }
            }
            id::URLWEB => {
                let k = self.rng.between(1000, 9999);
                let site = super::attrs::carif_site(self.current_town().region);
                let unit = self.unit.as_ref().map_or("offre", |u| u.numero.as_str());
                let domaine = self.current_org().map_or("formation.fr", |o| o.domaine.as_str());
                let _ = match parent {
                    Some(id::URL_FORMATION) => write!(buf, "https://{site}/formation/{unit}"),
                    Some(id::URL_ACTION) => {
                        let a = self.action.as_ref().map_or(unit, |a| a.numero.as_str());
                        write!(buf, "https://{site}/action/{a}")
                    }
                    Some(id::URL_SESSION) => {
                        let s = self.session.as_ref().map_or(unit, |s| s.numero.as_str());
                        write!(buf, "https://{site}/session/{s}")
                    }
                    Some(id::RECRUTEMENT) => match self.rec.as_ref().map(|r| r.modalite) {
                        Some("7") => write!(buf, "https://www.{domaine}/candidater/{unit}"),
                        _ => write!(buf, "https://visio.{domaine}/reunion-{k}"),
                    },
                    _ => write!(buf, "https://www.{domaine}/"),
                };
            }
            _ => return false,
        }
        true
    }

    /// A value from the simple type alone.
    fn default_value(&mut self, st: &SimpleType, buf: &mut String) {
        if let Some(d) = st.dict {
            self.dict_code(schema::dict(d), buf);
        } else if st.base == Base::Long {
            let (lo, hi) = st.range.unwrap_or((0, 1000));
            let _ = write!(
                buf,
                "{}",
                self.rng.range(lo, hi.min(lo.saturating_add(999)))
            );
        } else if st.format == Some(Format::Date) {
            let day = add_days(self.opts.today, self.rng.range(-100, 300));
            push_date(buf, day, Partial::Day);
        } else if st.format == Some(Format::Heure) {
            let h = Hour::hm(self.rng.between(8, 17), 15 * self.rng.between(0, 3));
            let _ = write!(buf, "{h}");
        } else if let Some(p) = st.pattern {
            self.of_pattern(p, buf);
        } else {
            let min = st.length.or(st.min_length).unwrap_or(0) as usize;
            let max = st.length.or(st.max_length).map_or(300, |m| m as usize);
            if min == max {
                for _ in 0..min {
                    buf.push(char::from(b'0' + self.rng.below(10) as u8));
                }
            } else {
                buf.push_str(self.rng.pick(data::PHRASES, data::PHRASES[0]));
            }
        }
    }

    /// A code of `dict`, avoiding the obsolete ones.
    fn dict_code(&mut self, dict: &DictDecl, buf: &mut String) {
        let mut pick = self.rng.choose(dict.entries);
        for _ in 0..8 {
            match pick {
                Some((_, label)) if label.contains("obsolète") => {
                    pick = self.rng.choose(dict.entries)
                }
                _ => break,
            }
        }
        if let Some((code, _)) = pick {
            buf.push_str(code);
        }
    }

    /// A string matching a pattern made of character classes and literals.
    fn of_pattern(&mut self, pattern: &str, buf: &mut String) {
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            if c != '[' {
                buf.push(c);
                continue;
            }
            let mut class = Vec::new();
            let mut prev: Option<char> = None;
            let mut range = false;
            for c in chars.by_ref() {
                match c {
                    ']' => break,
                    '-' if prev.is_some() => range = true,
                    c if range => {
                        if let Some(p) = prev {
                            class.extend((p..=c).skip(1));
                        }
                        range = false;
                        prev = Some(c);
                    }
                    c => {
                        class.push(c);
                        prev = Some(c);
                    }
                }
            }
            if let Some(c) = self.rng.choose(&class) {
                buf.push(*c);
            }
        }
    }

    /// Holds `buf` to the facets of `st`: dictionary, integer range, date, pattern, lengths.
    pub(crate) fn conform(&mut self, st: &SimpleType, buf: &mut String) {
        if let Some(d) = st.dict {
            let dict = schema::dict(d);
            if dict.label_of(buf.trim()).is_none() {
                buf.clear();
                self.dict_code(dict, buf);
            }
            return;
        }
        if st.base == Base::Long {
            let (lo, hi) = st.range.unwrap_or((i64::MIN, i64::MAX));
            let v = buf
                .trim()
                .parse::<i64>()
                .map_or(lo.max(0), |v| v.clamp(lo, hi));
            buf.clear();
            let _ = write!(buf, "{v}");
            return;
        }
        if st.format == Some(Format::Date) && !buf.parse::<Date>().is_ok_and(|d| d.is_valid()) {
            buf.clear();
            push_date(buf, self.opts.today, Partial::Day);
        }
        if let Some(p) = st.pattern {
            if !matches_pattern(p, buf) {
                buf.clear();
                self.of_pattern(p, buf);
            }
        }
        let min = st.length.or(st.min_length).unwrap_or(0) as usize;
        let max = st
            .length
            .or(st.max_length)
            .map_or(usize::MAX, |m| m as usize);
        // A character takes 1 to 4 bytes: most values need no counting.
        if buf.len() > max {
            if let Some((i, _)) = buf.char_indices().nth(max) {
                buf.truncate(i);
                if st.base == Base::Token {
                    let t = buf.trim_end().len();
                    buf.truncate(t);
                }
            }
        }
        if buf.len() >= min.saturating_mul(4) {
            return;
        }
        let len = buf.chars().count();
        if len < min {
            let pad = if buf.chars().all(|c| c.is_ascii_digit()) {
                '0'
            } else {
                'X'
            };
            buf.extend(std::iter::repeat_n(pad, min - len));
        }
    }

    /// `debut` and `fin` of the `periode` about to be written.
    pub(crate) fn periode_texts(&mut self) -> (String, String) {
        let (mut d, mut f) = (String::with_capacity(8), String::with_capacity(8));
        let parent = self.parent();
        let rec = self.rec.as_ref().and_then(|r| r.periode);
        match (parent, &self.session) {
            (Some(id::SESSION), Some(s)) => {
                push_date(&mut d, s.debut, s.debut_precision);
                push_date(&mut f, s.fin, Partial::Day);
            }
            (Some(id::PERIODE_INSCRIPTION), Some(s)) => {
                push_date(&mut d, s.inscription.0, Partial::Day);
                push_date(&mut f, s.inscription.1, Partial::Day);
            }
            (Some(id::RECRUTEMENT), _) if rec.is_some() => {
                let (a, b) = rec.unwrap_or((self.opts.today, self.opts.today));
                push_date(&mut d, a, Partial::Day);
                push_date(&mut f, b, Partial::Day);
            }
            _ => {
                let a = add_days(self.opts.today, self.rng.range(-200, 400));
                let (pd, pf, b) = match self.rng.below(8) {
                    0 => (
                        Partial::Month,
                        Partial::Day,
                        add_days(month_end(a), self.rng.range(1, 200)),
                    ),
                    1 => (
                        Partial::Year,
                        Partial::Year,
                        add_days(year_end(a), self.rng.range(0, 400)),
                    ),
                    2 => (Partial::Unknown, Partial::Unknown, a),
                    _ => (
                        Partial::Day,
                        Partial::Day,
                        add_days(a, self.rng.range(0, 200)),
                    ),
                };
                push_date(&mut d, a, pd);
                push_date(&mut f, b, pf);
            }
        }
        (d, f)
    }
}

/// `true` when `s` matches a pattern made of character classes and literals.
fn matches_pattern(pattern: &str, s: &str) -> bool {
    let mut chars = pattern.chars();
    let mut text = s.chars();
    while let Some(c) = chars.next() {
        let Some(t) = text.next() else { return false };
        if c != '[' {
            if c != t {
                return false;
            }
            continue;
        }
        let mut ok = false;
        let mut prev: Option<char> = None;
        let mut range = false;
        for c in chars.by_ref() {
            match c {
                ']' => break,
                '-' if prev.is_some() => range = true,
                c if range => {
                    ok |= prev.is_some_and(|p| (p..=c).contains(&t));
                    range = false;
                    prev = Some(c);
                }
                c => {
                    ok |= c == t;
                    prev = Some(c);
                }
            }
        }
        if !ok {
            return false;
        }
    }
    text.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::matches_pattern;

    #[test]
    fn patterns() {
        let p = "[0-9][0-9][0-9][0-9][019][0-9][01239][0-9]";
        assert!(matches_pattern(p, "20270115"));
        assert!(matches_pattern(p, "00000000"));
        assert!(!matches_pattern(p, "20274115"));
        assert!(!matches_pattern(p, "2027011"));
        assert!(!matches_pattern(p, "202701150"));
    }
}
