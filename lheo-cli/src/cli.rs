//! The command line, as described in DESIGN.md ("CLI contract"): parsed with clap's derive API.
//!
//! Help texts are in French (the users are Carif-Oref staff); `usage.rs` gives them in English
//! (`--lang en`, an English locale) and says clap's own messages in French. An argument added
//! here needs its English help in `usage::ENGLISH` (a test lists the missing ones).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// The help layout, with French headings.
const HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

/// `lheo`: validate, import and describe LHEO 2.3 feeds.
#[derive(Debug, Parser)]
#[command(
    name = "lheo",
    version,
    about = "Valider, importer, exporter et décrire des flux LHEO 2.3 (offres de formation)",
    long_about = None,
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    propagate_version = true,
    after_help = "Codes de sortie : 0 = aucune erreur, 1 = erreurs trouvées, 2 = exécution impossible.\n\
                  Exemple : lheo validate offres.xml"
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,

    /// `-h`/`--help`, with a French description.
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true,
          help = "Afficher l'aide", display_order = 1000)]
    help: Option<bool>,

    /// `-V`/`--version`, with a French description.
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version,
          help = "Afficher la version", display_order = 1001)]
    version: Option<bool>,
}

/// The commands of this milestone.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Vérifier un ou plusieurs flux LHEO (structure XSD et règles du profil).
    #[command(help_template = HELP_TEMPLATE)]
    Validate(ValidateArgs),
    /// Convertir un flux LHEO 2.0 à 2.3 ou un classeur en LHEO 2.3 (après validation).
    #[command(help_template = HELP_TEMPLATE)]
    Import(ImportArgs),
    /// Lister les règles vérifiées (code, profil, gravité, description).
    #[command(help_template = HELP_TEMPLATE)]
    Rules(RulesArgs),
    /// Exporter un flux LHEO en classeur Excel (.xlsx) modifiable, réimportable sans perte.
    #[command(help_template = HELP_TEMPLATE)]
    Export(ExportArgs),
    /// Écrire un classeur modèle vide (en-têtes, documentation, listes, une ligne d'exemple).
    #[command(help_template = HELP_TEMPLATE)]
    Template(TemplateArgs),
    /// Comparer deux flux : formations, actions, sessions, recrutements… ajoutés, supprimés ou
    /// modifiés, champ par champ.
    #[command(help_template = HELP_TEMPLATE)]
    Diff(DiffArgs),
    /// Dire ce que contiennent des fichiers de référentiels (RNCP, RS, ROME, Certif Info,
    /// NSF) : nature, date, nombre d'entrées, pour vérifier un téléchargement.
    #[command(help_template = HELP_TEMPLATE)]
    Referentiels(ReferentielsArgs),
    /// Ouvrir une page web où déposer un flux ou un classeur et lire le rapport, et une API
    /// HTTP pour les scripts (par défaut sur http://127.0.0.1:8080/).
    #[command(help_template = HELP_TEMPLATE)]
    Serve(crate::serve::ServeArgs),
}

/// `lheo referentiels`.
#[derive(Debug, Args)]
#[command(
    after_help = "Codes de sortie : 0 = tout est reconnu, 2 = un fichier n'est pas un référentiel ou est illisible.\n\
                  Exemple : lheo referentiels export-fiches-csv-2026-08-26.zip RefRomeCsv.zip"
)]
pub struct ReferentielsArgs {
    /// Fichiers tels que téléchargés (zip ou non) ou dossiers qui les contiennent.
    #[arg(value_name = "CHEMIN", required = true)]
    pub paths: Vec<PathBuf>,

    /// Format : human (une ligne par référentiel, par défaut) ou json (un document JSON).
    #[arg(long, value_enum, default_value_t = ReferentielsFormat::Human, value_name = "FORMAT",
          hide_possible_values = true, hide_default_value = true)]
    pub format: ReferentielsFormat,

    #[command(flatten)]
    pub lang: LangArg,
}

/// `referentiels --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReferentielsFormat {
    /// Une ligne par référentiel, puis ses fichiers.
    Human,
    /// Un document JSON.
    Json,
}

/// `--referentiels`, shared by `validate` and `import`.
#[derive(Debug, Args)]
pub struct ReferentielsArg {
    /// Vérifier aussi les codes (RNCP, RS, blocs, ROME, Certif Info, NSF) contre ces
    /// référentiels : fichiers tels que téléchargés (zip ou non) ou dossiers ; répétable.
    #[arg(long = "referentiels", value_name = "CHEMIN")]
    pub referentiels: Vec<PathBuf>,
}

impl Command {
    /// The language of the command's messages.
    pub fn lang(&self) -> lheo::Lang {
        let arg = match self {
            Command::Validate(a) => &a.lang,
            Command::Import(a) => &a.lang,
            Command::Rules(a) => &a.lang,
            Command::Export(a) => &a.lang,
            Command::Template(a) => &a.lang,
            Command::Diff(a) => &a.lang,
            Command::Referentiels(a) => &a.lang,
            Command::Serve(a) => &a.lang,
        };
        arg.lang.lang()
    }
}

/// `lheo diff`.
#[derive(Debug, Args)]
#[command(
    after_help = "Codes de sortie : 0 = mêmes données, 1 = différences, 2 = comparaison impossible.\n\
                  Exemple : lheo diff hier.xml aujourdhui.xml --ignore horodatage-export"
)]
pub struct DiffArgs {
    /// Ancien flux : LHEO 2.0 à 2.3 (XML, compressé en gzip ou non) ou classeur ; « - » lit
    /// l'entrée standard.
    #[arg(value_name = "ANCIEN")]
    pub old: PathBuf,

    /// Nouveau flux : LHEO 2.0 à 2.3 (XML, compressé en gzip ou non) ou classeur ; « - » lit
    /// l'entrée standard.
    #[arg(value_name = "NOUVEAU")]
    pub new: PathBuf,

    /// Format : human (lisible, par défaut) ou json (un document JSON).
    #[arg(long, value_enum, default_value_t = DiffFormat::Human, value_name = "FORMAT",
          hide_possible_values = true, hide_default_value = true)]
    pub format: DiffFormat,

    /// Ne pas comparer cet attribut ou cet élément (répétable) : un nom (horodatage-export,
    /// @datemaj, extras) ou un chemin de noms (session/etat-recrutement,
    /// formation/@horodatage-modification, /lheo/@horodatage-export).
    #[arg(long, value_name = "NOM|CHEMIN")]
    pub ignore: Vec<String>,

    /// Comparer les textes à l'espace près (par défaut, les suites d'espaces et de retours à
    /// la ligne comptent pour un espace et les espaces en début et fin sont ignorés).
    #[arg(long)]
    pub exact_whitespace: bool,

    #[command(flatten)]
    pub lang: LangArg,

    /// N'afficher que la ligne de résumé (format human).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Lisible, regroupé par formation.
    Human,
    /// Un document JSON sur la sortie standard.
    Json,
}

/// `lheo export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Flux à exporter : LHEO 2.0 à 2.3 (XML, compressé en gzip ou non) ; « - » lit l'entrée
    /// standard.
    #[arg(value_name = "ENTREE.xml")]
    pub input: PathBuf,

    /// Classeur à écrire (.xlsx) ; il n'est créé que si l'export réussit.
    #[arg(short, long, value_name = "SORTIE.xlsx")]
    pub output: PathBuf,

    #[command(flatten)]
    pub force: ForceArg,

    #[command(flatten)]
    pub lang: LangArg,
}

/// `lheo template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Classeur modèle à écrire (.xlsx).
    #[arg(short, long, value_name = "MODELE.xlsx")]
    pub output: PathBuf,

    #[command(flatten)]
    pub force: ForceArg,

    #[command(flatten)]
    pub lang: LangArg,
}

/// `lheo validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Fichiers à valider (XML LHEO, compressé en gzip ou non, ou classeurs) ; « - » lit
    /// l'entrée standard (par défaut quand elle n'est pas un terminal).
    #[arg(value_name = "FICHIER|-")]
    pub files: Vec<PathBuf>,

    #[command(flatten)]
    pub profile: ProfileArg,

    #[command(flatten)]
    pub referentiels: ReferentielsArg,

    /// Format du rapport : human (lisible, par défaut), json (un seul document JSON), junit
    /// (XML pour GitLab/Jenkins), html (une page autonome), sarif (SARIF 2.1.0), gitlab
    /// (GitLab Code Quality), csv (pour Excel : UTF-8, « ; »).
    #[arg(long, value_enum, default_value_t = ReportFormat::Human, value_name = "FORMAT",
          hide_possible_values = true, hide_default_value = true)]
    pub format: ReportFormat,

    /// Gravité la plus basse affichée : error, warning ou info (par défaut). Les nombres et
    /// le code de sortie ne changent pas.
    #[arg(long, value_enum, default_value_t = SeverityName::Info, value_name = "GRAVITÉ",
          hide_possible_values = true, hide_default_value = true)]
    pub severity: SeverityName,

    /// Constats affichés par règle (human : 20 par défaut, html : 1000 ; 0 : tous) ; les
    /// autres sont comptés. Jamais de plafond global qui cacherait une erreur.
    #[arg(long, value_name = "N")]
    pub max_per_rule: Option<usize>,

    /// Date du jour pour les règles de dates (par défaut : la date locale).
    #[arg(long, value_name = "AAAA-MM-JJ", value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    /// Rentrée vérifiée par le profil parcoursup : sessions commençant du 1er août AAAA au
    /// 31 juillet AAAA+1 (par défaut : le premier 1er août à partir de la date du jour).
    #[arg(long, value_name = "AAAA", value_parser = parse_rentree)]
    pub rentree: Option<i32>,

    /// Traiter les avertissements comme des erreurs (code de sortie 1).
    #[arg(long)]
    pub deny_warnings: bool,

    /// Fils de lecture des enregistrements (0 : un par cœur, 4 au plus ; 1 : une seule passe
    /// sur le fil principal). Le rapport est le même quel que soit le nombre.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    pub threads: usize,

    /// Taille visée des tranches d'enregistrements lues par chaque fil, en octets (réglage).
    #[arg(long, value_name = "OCTETS", hide = true)]
    pub chunk_bytes: Option<usize>,

    /// Écrire le rapport dans ce fichier (remplacé en une fois, une fois complet) ; le
    /// terminal affiche alors le résumé de chaque fichier.
    #[arg(short, long, value_name = "FICHIER")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub lang: LangArg,

    /// N'afficher que la ligne de résumé de chaque fichier (format human).
    #[arg(short, long)]
    pub quiet: bool,
}

/// `lheo import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Flux à importer : LHEO 2.0 à 2.3 (XML, compressé en gzip ou non) ou classeur (.xlsx,
    /// .xls, .ods) ; « - » lit l'entrée standard.
    #[arg(value_name = "ENTREE")]
    pub input: PathBuf,

    /// Fichier LHEO 2.3 à écrire (.xml, ou .xml.gz compressé ; jamais une entrée) ; il n'est
    /// créé que si l'entrée est valide.
    #[arg(short, long, value_name = "SORTIE.xml")]
    pub output: PathBuf,

    #[command(flatten)]
    pub force: ForceArg,

    #[command(flatten)]
    pub profile: ProfileArg,

    #[command(flatten)]
    pub referentiels: ReferentielsArg,

    #[command(flatten)]
    pub lang: LangArg,
}

/// `lheo rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// N'afficher que les règles de ce profil : xsd, lheo, france-travail, carif ou
    /// parcoursup (un profil inclut ceux qu'il étend) ; par défaut toutes les règles.
    #[arg(long, value_enum, value_name = "PROFIL", hide_possible_values = true)]
    pub profile: Option<ProfileName>,

    /// Format : human (tableau, par défaut) ou json.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human, value_name = "FORMAT",
          hide_possible_values = true, hide_default_value = true)]
    pub format: RulesFormat,

    #[command(flatten)]
    pub lang: LangArg,
}

/// `--profile`, shared by `validate` and `import`.
#[derive(Debug, Args)]
pub struct ProfileArg {
    /// Profil de validation : xsd (le schéma officiel seul), lheo (xsd + spécification
    /// LHEO, par défaut), france-travail (lheo + règles France Travail), carif (lheo + guides
    /// des Carif-Oref), parcoursup (carif + conditions Parcoursup de l'apprentissage).
    #[arg(long, value_enum, default_value_t = ProfileName::Lheo, value_name = "PROFIL",
          hide_possible_values = true, hide_default_value = true)]
    pub profile: ProfileName,
}

/// `--force`, shared by the commands that write a file.
#[derive(Debug, Args)]
pub struct ForceArg {
    /// Écrire la sortie même si son extension ne correspond pas à ce qui est écrit.
    #[arg(long)]
    pub force: bool,
}

/// `--lang`, shared by every command.
#[derive(Debug, Args)]
pub struct LangArg {
    /// Langue des messages : fr (français, par défaut) ou en (anglais). Par défaut, celle de
    /// la langue du système (LC_ALL, LC_MESSAGES, LANG) si elle est l'anglais.
    #[arg(long, value_enum, default_value_t = LangName::from_locale(), value_name = "LANGUE",
          hide_possible_values = true, hide_default_value = true)]
    pub lang: LangName,
}

/// A profile name on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileName {
    /// Le schéma XSD officiel LHEO 2.3, rien de plus.
    Xsd,
    /// xsd + ce que la spécification LHEO dit au-delà du schéma (par défaut).
    Lheo,
    /// lheo + les règles France Travail (modalités de recrutement, adresses).
    FranceTravail,
    /// lheo + ce que les guides des Carif-Oref demandent avant publication.
    Carif,
    /// carif + les conditions d'import de l'offre en apprentissage dans Parcoursup.
    Parcoursup,
}

impl ProfileName {
    /// The library's profile.
    pub fn profile(self) -> lheo::rules::Profile {
        use lheo::rules::Profile;
        match self {
            ProfileName::Xsd => Profile::Xsd,
            ProfileName::Lheo => Profile::Lheo,
            ProfileName::FranceTravail => Profile::FranceTravail,
            ProfileName::Carif => Profile::Carif,
            ProfileName::Parcoursup => Profile::Parcoursup,
        }
    }
}

/// A message language on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangName {
    /// Français.
    Fr,
    /// English.
    En,
}

impl LangName {
    /// The language of the locale (see [`crate::usage::from_locale`]).
    pub fn from_locale() -> LangName {
        match crate::usage::from_locale() {
            lheo::Lang::En => LangName::En,
            lheo::Lang::Fr => LangName::Fr,
        }
    }

    /// The library's language.
    pub fn lang(self) -> lheo::Lang {
        match self {
            LangName::Fr => lheo::Lang::Fr,
            LangName::En => lheo::Lang::En,
        }
    }
}

/// `validate --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Lisible, pour les personnes.
    Human,
    /// Un document JSON sur la sortie standard.
    Json,
    /// JUnit XML (GitLab, Jenkins).
    Junit,
    /// Une page HTML autonome (à ouvrir dans un navigateur).
    Html,
    /// SARIF 2.1.0 (outils d'analyse de code).
    Sarif,
    /// GitLab Code Quality (JSON).
    Gitlab,
    /// CSV pour Excel (UTF-8 avec BOM, « ; »).
    Csv,
}

/// `validate --severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityName {
    /// Les erreurs seulement.
    Error,
    /// Les erreurs et les avertissements.
    Warning,
    /// Tout.
    Info,
}

impl SeverityName {
    /// The library's severity.
    pub fn severity(self) -> lheo::Severity {
        match self {
            SeverityName::Error => lheo::Severity::Error,
            SeverityName::Warning => lheo::Severity::Warning,
            SeverityName::Info => lheo::Severity::Info,
        }
    }
}

/// `rules --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// Tableau aligné.
    Human,
    /// Un document JSON.
    Json,
}

/// Parses `--today`.
fn parse_date(s: &str) -> Result<NaiveDate, crate::usage::Bilingual> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| crate::usage::Bilingual {
        fr: "date attendue au format AAAA-MM-JJ (ex. 2025-03-31)",
        en: "expected a date as YYYY-MM-DD (e.g. 2025-03-31)",
    })
}

/// Parses `--rentree`.
fn parse_rentree(s: &str) -> Result<i32, String> {
    match s.parse::<i32>() {
        Ok(y) if (1900..=9998).contains(&y) => Ok(y),
        _ => Err(format!(
            "année attendue sur quatre chiffres (ex. 2025), reçu « {s} »"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_the_contract() {
        let cli = Cli::try_parse_from([
            "lheo",
            "validate",
            "a.xml",
            "-",
            "--profile",
            "xsd",
            "--format",
            "junit",
            "--today",
            "2025-01-31",
            "--deny-warnings",
            "--lang",
            "en",
            "--quiet",
        ])
        .unwrap();
        let Command::Validate(v) = cli.command else {
            panic!("validate expected")
        };
        assert_eq!(v.files.len(), 2);
        assert_eq!(v.profile.profile, ProfileName::Xsd);
        assert_eq!(v.format, ReportFormat::Junit);
        assert_eq!(v.today, NaiveDate::from_ymd_opt(2025, 1, 31));
        assert!(v.deny_warnings && v.quiet);
        assert_eq!(v.lang.lang, LangName::En);
    }

    #[test]
    fn rejects_a_bad_date() {
        assert!(Cli::try_parse_from(["lheo", "validate", "--today", "31/01/2025"]).is_err());
    }
}
