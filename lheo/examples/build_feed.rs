//! Recipe: build a feed in code, validate it, write it.
//!
//! The model has one type per LHEO element, named after it (`formation` → `Formation`,
//! `recrutement` → `Recrutement`), with one field per child in schema order; every struct is
//! `Default`, so a value names only what it sets. Dictionary codes are enums
//! (`ModaliteRecrutement::InformationCollective` is code `9`), dates are `Date`s, the standard
//! attributes (`numero`, `id`, …) are in `attrs`. `validate_formation` and `validate_document`
//! check a model with any profile, as if it were read from a file; `writer::write_document`
//! writes LHEO 2.3, in schema order, the same bytes every time.
//!
//! ```sh
//! cargo run -p lheo --example build_feed > offre.xml
//! ```

use std::io::Write;

use chrono::NaiveDate;
use lheo::validate::{validate_document, Report, ValidateOptions};
use lheo::writer::write_document;
use lheo::*;

fn adresse(ligne: &str, codepostal: &str, ville: &str, insee: &str) -> Adresse {
    Adresse {
        ligne: vec![ligne.into()],
        codepostal: codepostal.into(),
        ville: ville.into(),
        code_insee_commune: Some(insee.into()),
        ..Adresse::default()
    }
}

fn contact(nom: &str) -> Coordonnees {
    Coordonnees {
        nom: Some(nom.into()),
        ..Coordonnees::default()
    }
}

/// A formation with one session and one information meeting (ICO), as a producer would
/// build it from its own database.
pub fn formation() -> Result<Formation, Error> {
    // Dates as LHEO writes them (`AAAAMMJJ`; `00` for an unknown month or day).
    let day = |text: &str| text.parse::<Date>().map(Field::new);
    let ico = Recrutement {
        attrs: Attributes::with_numero("ICO-2027-01").into(),
        modalite_recrutement: ModaliteRecrutement::InformationCollective.into(),
        a_distance: Some(Booleen::Non.into()),
        adresse: Some(adresse("3 place Kléber", "67000", "Strasbourg", "67482")),
        nb_places: Some(15.into()),
        periode: Some(Periode {
            debut: day("20270203")?,
            fin: day("20270203")?,
            ..Periode::default()
        }),
        heure_debut: Some("9h30".into()),
        heure_fin: Some("11h30".into()),
        ..Recrutement::default()
    };
    let session = Session {
        attrs: Attributes::with_numero("S-2027-1").into(),
        periode: Periode {
            debut: day("20270301")?,
            fin: day("20270630")?,
            ..Periode::default()
        },
        adresse_inscription: AdresseInscription {
            adresse: adresse("12 rue des Tanneurs", "67000", "Strasbourg", "67482"),
            ..AdresseInscription::default()
        },
        etat_recrutement: Some(EtatRecrutement::Ouvert.into()),
        recrutement: vec![ico],
        ..Session::default()
    };
    let action = Action {
        rythme_formation: "Temps plein".into(),
        code_public_vise: vec![Field::from("80056".to_string()).with_ref("V14")],
        niveau_entree_obligatoire: Booleen::Non.into(),
        modalites_alternance: "Stage de quatre semaines".into(),
        modalites_enseignement: ModalitesEnseignement::EntierementPresentielle.into(),
        conditions_specifiques: "Aucune".into(),
        prise_en_charge_frais_possible: Booleen::Oui.into(),
        modalites_entrees_sorties: ModalitesEntreesSorties::DatesFixes.into(),
        session: vec![session],
        ..Action::default()
    };
    Ok(Formation {
        attrs: Attributes::with_numero("F-2027-MAG").into(),
        domaine_formation: DomaineFormation {
            code_formacode: vec![Field::from("31734".to_string()).with_ref("V14")],
            ..DomaineFormation::default()
        },
        intitule_formation: "Titre professionnel agent magasinier".into(),
        objectif_formation: "Réceptionner, stocker et préparer des commandes.".into(),
        resultats_attendus: "Titre professionnel de niveau 3.".into(),
        contenu_formation: "Réception, stockage, préparation de commandes.".into(),
        certifiante: Booleen::Oui.into(),
        contact_formation: vec![ContactFormation {
            coordonnees: contact("Accueil"),
            ..Default::default()
        }],
        parcours_de_formation: TypeParcours::EnGroupe.into(),
        code_niveau_entree: Niveau::SansNiveauSpecifique.into(),
        action: vec![action],
        organisme_formation_responsable: OrganismeFormationResponsable {
            numero_activite: "42670000067".into(),
            siret_organisme_formation: SiretOrganismeFormation {
                siret: "73282932000074".into(),
                ..Default::default()
            },
            nom_organisme: "Centre de formation logistique".into(),
            raison_sociale: "Centre de formation logistique SAS".into(),
            coordonnees_organisme: CoordonneesOrganisme {
                coordonnees: contact("Siège"),
                ..Default::default()
            },
            contact_organisme: vec![ContactOrganisme {
                coordonnees: contact("Accueil"),
                ..Default::default()
            }],
            ..OrganismeFormationResponsable::default()
        },
        ..Formation::default()
    })
}

/// The feed of `formation()`, checked with `profile` as on day `today`, and its LHEO 2.3 text.
pub fn build(profile: Profile, today: NaiveDate) -> Result<(Report, Vec<u8>), Error> {
    let mut feed = Lheo::default();
    feed.offres.formation.push(formation()?);
    let document = Document::Lheo(feed);
    // The same checks as a feed read from a file: structure, LHEO rules, the profile's rules.
    let report = validate_document(&document, &ValidateOptions::new(profile).with_today(today))?;
    let mut xml = Vec::new();
    write_document(&document, &mut xml)?;
    Ok((report, xml))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let today = NaiveDate::from_ymd_opt(2027, 1, 4).ok_or("date")?;
    let (report, xml) = build(Profile::FranceTravail, today)?;
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
    std::io::stdout().write_all(&xml)?;
    std::process::exit(if report.is_valid() { 0 } else { 1 });
}
