//! `lheo template`: the empty workbook, ready to fill: every sheet with its headers,
//! the documentation sheet, the drop-downs, and one example offer (a formation, its
//! action, session, recruitment, contact and organisation), valid for every profile.

use std::io::Write;

use super::{export_with, ExportOptions};
use crate::error::Error;

/// The example offer of the template (valid LHEO 2.3, France Travail rules included).
pub const EXAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<lheo xmlns="http://lheo.gouv.fr/2.3"><offres><formation numero="F-0001">
  <domaine-formation><code-FORMACODE ref="V14">15235</code-FORMACODE></domaine-formation>
  <intitule-formation>Français langue d'intégration</intitule-formation>
  <objectif-formation>Acquérir le français de la vie quotidienne et professionnelle.</objectif-formation>
  <resultats-attendus>Attestation de niveau A2.</resultats-attendus>
  <contenu-formation>Cours de niveau A1 à A2, ateliers d'expression orale.</contenu-formation>
  <certifiante>0</certifiante>
  <contact-formation><coordonnees><nom>Accueil</nom><courriel>accueil@exemple.fr</courriel></coordonnees></contact-formation>
  <parcours-de-formation>1</parcours-de-formation>
  <code-niveau-entree>1</code-niveau-entree>
  <action numero="A-0001">
    <rythme-formation>Temps plein</rythme-formation>
    <code-public-vise ref="V14">80056</code-public-vise>
    <niveau-entree-obligatoire>0</niveau-entree-obligatoire>
    <modalites-alternance>Aucune</modalites-alternance>
    <modalites-enseignement>0</modalites-enseignement>
    <conditions-specifiques>Aucune</conditions-specifiques>
    <prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>
    <modalites-entrees-sorties>0</modalites-entrees-sorties>
    <session numero="S-0001">
      <periode><debut>20270104</debut><fin>20270630</fin></periode>
      <adresse-inscription><adresse><ligne>1 rue de la Paix</ligne><codepostal>67000</codepostal><ville>Strasbourg</ville><code-INSEE-commune>67482</code-INSEE-commune></adresse></adresse-inscription>
      <etat-recrutement>1</etat-recrutement>
      <recrutement numero="R-0001">
        <modalite-recrutement>9</modalite-recrutement>
        <a-distance>0</a-distance>
        <nb-places>12</nb-places>
        <periode><debut>20261203</debut><fin>20261203</fin></periode>
        <heure-debut>9h30</heure-debut>
        <heure-fin>11h30</heure-fin>
        <adresse><ligne>1 rue de la Paix</ligne><codepostal>67000</codepostal><ville>Strasbourg</ville><code-INSEE-commune>67482</code-INSEE-commune></adresse>
      </recrutement>
    </session>
  </action>
  <organisme-formation-responsable>
    <numero-activite>42670000067</numero-activite>
    <SIRET-organisme-formation><SIRET>73282932000074</SIRET></SIRET-organisme-formation>
    <nom-organisme>Centre de formation</nom-organisme>
    <raison-sociale>Centre de formation SA</raison-sociale>
    <coordonnees-organisme><coordonnees><nom>Siège</nom></coordonnees></coordonnees-organisme>
    <contact-organisme><coordonnees><nom>Accueil</nom></coordonnees></contact-organisme>
  </organisme-formation-responsable>
</formation></offres></lheo>
"#;

/// Writes the template workbook to `out` and returns it.
///
/// ```
/// let xlsx = lheo::workbook::template(Vec::new()).unwrap();
/// assert!(xlsx.starts_with(b"PK"));
/// ```
pub fn template<W: Write + Send>(out: W) -> Result<W, Error> {
    template_with(out, &ExportOptions::default())
}

/// [`template()`] with export options (where the temporary files go).
pub fn template_with<W: Write + Send>(mut out: W, options: &ExportOptions) -> Result<W, Error> {
    export_with(EXAMPLE.as_bytes(), &mut out, options)?;
    Ok(out)
}
