//! Builds a feed in code, checks it with the France Travail rules and the structural checker,
//! and writes it as LHEO 2.3 on standard output.
//!
//! `cargo run --example build_feed`

use chrono::NaiveDate;
use lheo::rules::france_travail::FranceTravail;
use lheo::rules::Profile;
use lheo::validate::{validate, ValidateOptions};
use lheo::writer::to_string;
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

fn main() {
    let day = |y, m, d| Field::new(Date::ymd(y, m, d).unwrap_or_default());
    let ico = Recrutement {
        attrs: Attributes::with_numero("ICO-2027-01"),
        modalite_recrutement: ModaliteRecrutement::InformationCollective.into(),
        a_distance: Some(Booleen::Non.into()),
        adresse: Some(adresse("3 place Kléber", "67000", "Strasbourg", "67482")),
        nb_places: Some(15.into()),
        periode: Some(Periode {
            debut: day(2027, 2, 3),
            fin: day(2027, 2, 3),
            ..Periode::default()
        }),
        heure_debut: Some("9h30".into()),
        heure_fin: Some("11h30".into()),
        ..Recrutement::default()
    };
    let session = Session {
        attrs: Attributes::with_numero("S-2027-1"),
        periode: Periode {
            debut: day(2027, 3, 1),
            fin: day(2027, 6, 30),
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
    let formation = Formation {
        attrs: Attributes::with_numero("F-2027-MAG"),
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
    };

    // The France Travail rules work on the model directly.
    let today = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default();
    for d in FranceTravail::new(today).check_formation(&formation) {
        eprintln!("{d}");
    }

    let mut feed = Lheo::default();
    feed.offres.formation.push(formation);
    let xml = to_string(&Document::Lheo(feed));

    // The written feed passes the structural checker and the LHEO rules.
    let report = validate(xml.as_bytes(), &ValidateOptions::new(Profile::Lheo));
    for d in &report.diagnostics {
        eprintln!("{d}");
    }
    print!("{xml}");
    std::process::exit(if report.is_valid() { 0 } else { 1 });
}
