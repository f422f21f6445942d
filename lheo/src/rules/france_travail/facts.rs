//! What the rules read of a session, a recruitment and an address: a few values, taken from
//! the model ([`From`] impls) or from a capture ([`super::capture`]). The model's types carry
//! every element of the language and are large; these carry only what the rules look at.

use crate::model::{
    Adresse, Booleen, Date, EtatRecrutement, ModaliteRecrutement, Recrutement, Session,
};

/// A session: its end, its recruitment state and its recruitments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct SessionFacts {
    /// `periode/fin`.
    pub fin: Date,
    /// `etat-recrutement`.
    pub etat: Option<EtatRecrutement>,
    /// `recrutement`, in document order.
    pub recrutements: Vec<RecrutementFacts>,
}

/// A recruitment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RecrutementFacts {
    /// `@numero`.
    pub numero: Option<String>,
    /// `modalite-recrutement`.
    pub modalite: ModaliteRecrutement,
    /// `a-distance`.
    pub a_distance: Option<Booleen>,
    /// Whether it has an `adresse`.
    pub adresse: bool,
    /// `nb-places`.
    pub nb_places: Option<i64>,
    /// `periode/debut` and `periode/fin`.
    pub periode: Option<(Date, Date)>,
    /// `heure-debut`, as written.
    pub heure_debut: Option<String>,
    /// `heure-fin`, as written.
    pub heure_fin: Option<String>,
}

/// An address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct AdresseFacts {
    /// The first `ligne` (empty if none).
    pub ligne: String,
    /// `codepostal`.
    pub codepostal: String,
    /// `ville`.
    pub ville: String,
    /// `code-INSEE-commune`.
    pub code_insee_commune: Option<String>,
}

impl From<&Session> for SessionFacts {
    fn from(s: &Session) -> Self {
        SessionFacts {
            fin: s.periode.fin.value,
            etat: s.etat_recrutement.as_ref().map(|e| e.value),
            recrutements: s.recrutement.iter().map(RecrutementFacts::from).collect(),
        }
    }
}

impl From<&Recrutement> for RecrutementFacts {
    fn from(r: &Recrutement) -> Self {
        RecrutementFacts {
            numero: r.attrs.numero.clone(),
            modalite: r.modalite_recrutement.value,
            a_distance: r.a_distance.as_ref().map(|a| a.value),
            adresse: r.adresse.is_some(),
            nb_places: r.nb_places.as_ref().map(|n| n.value),
            periode: r.periode.as_ref().map(|p| (p.debut.value, p.fin.value)),
            heure_debut: r.heure_debut.as_ref().map(|h| h.value.clone()),
            heure_fin: r.heure_fin.as_ref().map(|h| h.value.clone()),
        }
    }
}

impl From<&Adresse> for AdresseFacts {
    fn from(a: &Adresse) -> Self {
        AdresseFacts {
            ligne: a.ligne.first().map(|l| l.value.clone()).unwrap_or_default(),
            codepostal: a.codepostal.value.clone(),
            ville: a.ville.value.clone(),
            code_insee_commune: a.code_insee_commune.as_ref().map(|c| c.value.clone()),
        }
    }
}
