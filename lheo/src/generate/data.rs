//! French data that makes generated feeds read like real Carif-Oref exports: towns with their
//! postcodes and INSEE codes, streets, people, training organisations and programmes with
//! consistent FORMACODE / NSF / ROME / RNCP codes.
//!
//! The codes are plausible, not authoritative: the feeds are synthetic.

/// A French commune.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Town {
    pub ville: &'static str,
    pub codepostal: &'static str,
    /// Code officiel géographique of the commune (`2A004` in Corsica).
    pub insee: &'static str,
    pub departement: &'static str,
    /// INSEE code of the region (2016 regions; `02`/`04` overseas).
    pub region: &'static str,
    pub latitude: f64,
    pub longitude: f64,
    /// Phone prefix of the area (`01`…`05`, `0596`, `0262`).
    pub tel: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn town(
    ville: &'static str,
    codepostal: &'static str,
    insee: &'static str,
    departement: &'static str,
    region: &'static str,
    latitude: f64,
    longitude: f64,
    tel: &'static str,
) -> Town {
    Town {
        ville,
        codepostal,
        insee,
        departement,
        region,
        latitude,
        longitude,
        tel,
    }
}

pub(crate) static TOWNS: &[Town] = &[
    town("Paris", "75011", "75111", "75", "11", 48.8592, 2.3806, "01"),
    town("Paris", "75013", "75113", "75", "11", 48.8322, 2.3561, "01"),
    town(
        "Bobigny", "93000", "93008", "93", "11", 48.9086, 2.4397, "01",
    ),
    town(
        "Créteil", "94000", "94028", "94", "11", 48.7904, 2.4556, "01",
    ),
    town("Cergy", "95000", "95127", "95", "11", 49.0364, 2.0761, "01"),
    town(
        "Versailles",
        "78000",
        "78646",
        "78",
        "11",
        48.8049,
        2.1204,
        "01",
    ),
    town(
        "Évry-Courcouronnes",
        "91000",
        "91228",
        "91",
        "11",
        48.6238,
        2.4296,
        "01",
    ),
    town("Lyon", "69003", "69383", "69", "84", 45.7597, 4.8422, "04"),
    town(
        "Villeurbanne",
        "69100",
        "69266",
        "69",
        "84",
        45.7719,
        4.8902,
        "04",
    ),
    town(
        "Grenoble", "38000", "38185", "38", "84", 45.1885, 5.7245, "04",
    ),
    town(
        "Saint-Étienne",
        "42000",
        "42218",
        "42",
        "84",
        45.4397,
        4.3872,
        "04",
    ),
    town(
        "Clermont-Ferrand",
        "63000",
        "63113",
        "63",
        "84",
        45.7772,
        3.0870,
        "04",
    ),
    town(
        "Annecy", "74000", "74010", "74", "84", 45.8992, 6.1294, "04",
    ),
    town(
        "Marseille",
        "13001",
        "13201",
        "13",
        "93",
        43.2965,
        5.3698,
        "04",
    ),
    town("Nice", "06000", "06088", "06", "93", 43.7102, 7.2620, "04"),
    town(
        "Avignon", "84000", "84007", "84", "93", 43.9493, 4.8055, "04",
    ),
    town(
        "Toulouse", "31000", "31555", "31", "76", 43.6045, 1.4440, "05",
    ),
    town(
        "Montpellier",
        "34000",
        "34172",
        "34",
        "76",
        43.6108,
        3.8767,
        "04",
    ),
    town(
        "Perpignan",
        "66000",
        "66136",
        "66",
        "76",
        42.6887,
        2.8948,
        "04",
    ),
    town(
        "Bordeaux", "33000", "33063", "33", "75", 44.8378, -0.5792, "05",
    ),
    town(
        "Limoges", "87000", "87085", "87", "75", 45.8336, 1.2611, "05",
    ),
    town(
        "Poitiers", "86000", "86194", "86", "75", 46.5802, 0.3404, "05",
    ),
    town(
        "La Rochelle",
        "17000",
        "17300",
        "17",
        "75",
        46.1603,
        -1.1511,
        "05",
    ),
    town("Pau", "64000", "64445", "64", "75", 43.2951, -0.3708, "05"),
    town(
        "Nantes", "44000", "44109", "44", "52", 47.2184, -1.5536, "02",
    ),
    town(
        "Angers", "49000", "49007", "49", "52", 47.4784, -0.5632, "02",
    ),
    town(
        "Le Mans", "72000", "72181", "72", "52", 48.0061, 0.1996, "02",
    ),
    town(
        "Laval", "53000", "53130", "53", "52", 48.0707, -0.7734, "02",
    ),
    town(
        "Rennes", "35000", "35238", "35", "53", 48.1173, -1.6778, "02",
    ),
    town(
        "Brest", "29200", "29019", "29", "53", 48.3904, -4.4861, "02",
    ),
    town(
        "Vannes", "56000", "56260", "56", "53", 47.6582, -2.7608, "02",
    ),
    town("Rouen", "76000", "76540", "76", "28", 49.4432, 1.0999, "02"),
    town(
        "Le Havre", "76600", "76351", "76", "28", 49.4944, 0.1079, "02",
    ),
    town("Caen", "14000", "14118", "14", "28", 49.1829, -0.3707, "02"),
    town(
        "Évreux", "27000", "27229", "27", "28", 49.0241, 1.1508, "02",
    ),
    town(
        "Alençon", "61000", "61001", "61", "28", 48.4329, 0.0913, "02",
    ),
    town("Lille", "59000", "59350", "59", "32", 50.6292, 3.0573, "03"),
    town(
        "Amiens", "80000", "80021", "80", "32", 49.8941, 2.2958, "03",
    ),
    town(
        "Strasbourg",
        "67000",
        "67482",
        "67",
        "44",
        48.5734,
        7.7521,
        "03",
    ),
    town(
        "Mulhouse", "68100", "68224", "68", "44", 47.7508, 7.3359, "03",
    ),
    town("Metz", "57000", "57463", "57", "44", 49.1193, 6.1757, "03"),
    town("Nancy", "54000", "54395", "54", "44", 48.6921, 6.1844, "03"),
    town("Reims", "51100", "51454", "51", "44", 49.2583, 4.0317, "03"),
    town("Dijon", "21000", "21231", "21", "27", 47.3220, 5.0415, "03"),
    town(
        "Besançon",
        "25000",
        "25056",
        "25",
        "27",
        47.2378,
        6.0241,
        "03",
    ),
    town(
        "Orléans", "45000", "45234", "45", "24", 47.9030, 1.9093, "02",
    ),
    town("Tours", "37000", "37261", "37", "24", 47.3941, 0.6848, "02"),
    town(
        "Ajaccio", "20000", "2A004", "2A", "94", 41.9192, 8.7386, "04",
    ),
    town(
        "Bastia", "20200", "2B033", "2B", "94", 42.6977, 9.4508, "04",
    ),
    town(
        "Fort-de-France",
        "97200",
        "97209",
        "972",
        "02",
        14.6161,
        -61.0588,
        "0596",
    ),
    town(
        "Saint-Denis",
        "97400",
        "97411",
        "974",
        "04",
        -20.8823,
        55.4504,
        "0262",
    ),
];

/// Street names, to be preceded by a number.
pub(crate) static STREETS: &[&str] = &[
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "place du Général de Gaulle",
    "rue des Écoles",
    "allée des Tilleuls",
    "rue du Moulin",
    "avenue de la Gare",
    "rue Jules Ferry",
    "chemin des Vignes",
    "rue de l'Industrie",
    "quai de la Loire",
    "impasse des Artisans",
    "rue Émile Zola",
    "avenue du Maréchal Leclerc",
    "rue Lamartine",
    "boulevard de l'Europe",
    "rue Gambetta",
    "route de Paris",
];

/// Complements of address (second to fourth `ligne`).
pub(crate) static ADDRESS_COMPLEMENTS: &[&str] = &[
    "Bâtiment B",
    "2e étage",
    "Zone d'activités des Écoperches",
    "Parc d'activités du Moulin",
    "Espace Formation",
    "Entrée C, porte 12",
    "Résidence Les Acacias",
    "Centre d'affaires Le Forum",
];

/// Site names (`denomination`).
pub(crate) static SITES: &[&str] = &[
    "Plateau technique",
    "Site principal",
    "Maison de l'emploi et de la formation",
    "Campus des métiers",
    "Pôle formation",
    "Antenne de proximité",
    "Maison de quartier",
    "Cité des métiers",
];

pub(crate) static FEMALE_NAMES: &[&str] = &[
    "Camille", "Nathalie", "Sophie", "Isabelle", "Julie", "Sandrine", "Céline", "Aurélie",
    "Émilie", "Karima", "Fatou", "Léa", "Chloé", "Inès", "Manon", "Hélène",
];

pub(crate) static MALE_NAMES: &[&str] = &[
    "Thomas",
    "Nicolas",
    "Julien",
    "Stéphane",
    "Mehdi",
    "François",
    "Olivier",
    "Jérôme",
    "Mathieu",
    "Sébastien",
    "Yannick",
    "Karim",
    "Loïc",
    "Antoine",
    "Hugo",
    "Grégoire",
];

pub(crate) static LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefort",
    "Mercier",
    "Boyer",
    "Benali",
    "Nguyen",
    "Diallo",
    "Le Gall",
    "Kerbrat",
    "Lemoine",
    "Chevalier",
    "Robert-Tissot",
    "Girard",
    "Haddad",
];

/// Services named in `coordonnees/ligne`.
pub(crate) static SERVICES: &[&str] = &[
    "Service formation continue",
    "Accueil",
    "Pôle insertion",
    "Service des inscriptions",
    "Relations entreprises",
    "Secrétariat pédagogique",
];

/// A kind of training organisation: how it is named.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OrgKind {
    /// Usual name; `{v}` is replaced by the town.
    pub nom: &'static str,
    /// Legal name; `{v}` is replaced by the town.
    pub raison_sociale: &'static str,
    /// Web domain; `{s}` is replaced by the town's slug.
    pub domaine: &'static str,
    /// Has a UAI code (schools, CFA).
    pub uai: bool,
}

const fn org(nom: &'static str, rs: &'static str, domaine: &'static str, uai: bool) -> OrgKind {
    OrgKind {
        nom,
        raison_sociale: rs,
        domaine,
        uai,
    }
}

pub(crate) static ORG_KINDS: &[OrgKind] = &[
    org(
        "GRETA {v}",
        "GIP Formation continue et insertion professionnelle de l'académie",
        "greta-{s}.fr",
        true,
    ),
    org(
        "AFPA {v}",
        "Agence nationale pour la formation professionnelle des adultes",
        "afpa.fr",
        false,
    ),
    org(
        "CFA du BTP de {v}",
        "Association BTP CFA {v}",
        "btpcfa-{s}.fr",
        true,
    ),
    org(
        "Institut de formation des aides-soignants de {v}",
        "Centre hospitalier de {v}",
        "ch-{s}.fr",
        false,
    ),
    org(
        "CCI Formation {v}",
        "Chambre de commerce et d'industrie de {v}",
        "cci-{s}.fr",
        false,
    ),
    org(
        "Lycée professionnel Jules Ferry",
        "Lycée professionnel Jules Ferry - {v}",
        "lp-jferry-{s}.fr",
        true,
    ),
    org(
        "École de la 2e chance {v}",
        "Association École de la deuxième chance {v}",
        "e2c-{s}.fr",
        false,
    ),
    org(
        "Formation continue - Université de {v}",
        "Université de {v}",
        "fc.univ-{s}.fr",
        true,
    ),
    org(
        "Compétences & Avenir",
        "SAS Compétences et Avenir",
        "competences-avenir.fr",
        false,
    ),
    org("Formatech {v}", "SARL Formatech", "formatech.fr", false),
    org(
        "Institut régional du travail social",
        "Association IRTS {v}",
        "irts-{s}.fr",
        false,
    ),
    org(
        "Centre de formation d'apprentis des métiers de {v}",
        "Chambre de métiers et de l'artisanat",
        "cma-{s}.fr",
        true,
    ),
];

/// A training programme: what a formation is about, with consistent codes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Programme {
    pub intitule: &'static str,
    /// Trade the programme leads to (used in texts).
    pub metier: &'static str,
    pub formacodes: &'static [&'static str],
    pub nsf: &'static str,
    pub romes: &'static [&'static str],
    /// RNCP number (digits), when the programme leads to an RNCP certification.
    pub rncp: Option<&'static str>,
    /// Répertoire spécifique number (digits).
    pub rs: Option<&'static str>,
    pub certifinfo: Option<&'static str>,
    /// Code of `dict-niveaux` at the end of the programme.
    pub niveau: &'static str,
    /// Typical length in hours.
    pub heures: u32,
    pub competences: &'static [&'static str],
    /// Blocks of competences (titles).
    pub blocs: &'static [&'static str],
}

pub(crate) static PROGRAMMES: &[Programme] = &[
    Programme {
        intitule: "Titre professionnel Secrétaire assistant",
        metier: "secrétaire assistant",
        formacodes: &["35054", "35028"],
        nsf: "324",
        romes: &["M1607", "M1602"],
        rncp: Some("37092"),
        rs: None,
        certifinfo: Some("54912"),
        niveau: "13",
        heures: 805,
        competences: &[
            "assurer les travaux courants de secrétariat",
            "assister une équipe dans la communication des informations",
            "traiter les opérations administratives liées à la gestion commerciale",
            "traiter les opérations administratives liées à la gestion du personnel",
        ],
        blocs: &[
            "Assurer les travaux courants de secrétariat et assister une équipe",
            "Traiter les opérations administratives liées à la gestion commerciale et aux ressources humaines",
        ],
    },
    Programme {
        intitule: "CAP Maçon",
        metier: "maçon",
        formacodes: &["22454"],
        nsf: "232",
        romes: &["F1703"],
        rncp: Some("34862"),
        rs: None,
        certifinfo: Some("103210"),
        niveau: "13",
        heures: 1050,
        competences: &[
            "implanter et réaliser des fondations",
            "monter des murs en maçonnerie de blocs et de briques",
            "réaliser des enduits et des dallages",
            "lire un plan et organiser son poste de travail",
        ],
        blocs: &[
            "Réalisation de maçonneries et de béton armé",
            "Réalisation de travaux de finition",
        ],
    },
    Programme {
        intitule: "Diplôme d'État d'aide-soignant",
        metier: "aide-soignant",
        formacodes: &["43436"],
        nsf: "331",
        romes: &["J1501"],
        rncp: Some("35830"),
        rs: None,
        certifinfo: Some("87185"),
        niveau: "14",
        heures: 1540,
        competences: &[
            "accompagner la personne dans les activités de sa vie quotidienne",
            "évaluer l'état clinique d'une personne",
            "mettre en œuvre des soins adaptés en collaboration avec l'infirmier",
            "entretenir l'environnement immédiat de la personne",
        ],
        blocs: &[
            "Accompagnement et soins de la personne dans les activités de sa vie quotidienne",
            "Évaluation de l'état clinique et mise en œuvre de soins adaptés",
            "Information et accompagnement des personnes et de leur entourage",
        ],
    },
    Programme {
        intitule: "Titre professionnel Préparateur de commandes en entrepôt",
        metier: "préparateur de commandes",
        formacodes: &["31812", "31815"],
        nsf: "311",
        romes: &["N1103"],
        rncp: Some("38452"),
        rs: None,
        certifinfo: Some("99413"),
        niveau: "12",
        heures: 420,
        competences: &[
            "préparer des commandes au moyen d'un chariot de manutention",
            "réceptionner et stocker des marchandises",
            "conduire en sécurité un chariot élévateur de catégorie 1",
        ],
        blocs: &["Préparer des commandes", "Réceptionner et stocker des marchandises"],
    },
    Programme {
        intitule: "Titre professionnel Cuisinier",
        metier: "cuisinier",
        formacodes: &["42752"],
        nsf: "221",
        romes: &["G1602"],
        rncp: Some("34095"),
        rs: None,
        certifinfo: Some("93577"),
        niveau: "13",
        heures: 910,
        competences: &[
            "préparer, cuire et dresser des entrées froides et chaudes",
            "préparer et cuire des plats de viande, de poisson et de légumes",
            "réaliser des desserts de restaurant",
            "respecter les règles d'hygiène HACCP",
        ],
        blocs: &[
            "Préparer, cuisiner et dresser des hors-d'œuvre et des desserts",
            "Cuisiner et dresser des plats au poste chaud",
        ],
    },
    Programme {
        intitule: "Titre professionnel Développeur web et web mobile",
        metier: "développeur web",
        formacodes: &["31054", "31093"],
        nsf: "326",
        romes: &["M1805"],
        rncp: Some("37674"),
        rs: None,
        certifinfo: Some("110012"),
        niveau: "15",
        heures: 1190,
        competences: &[
            "développer la partie front-end d'une application web sécurisée",
            "développer la partie back-end d'une application web sécurisée",
            "concevoir une base de données relationnelle",
        ],
        blocs: &[
            "Développer la partie front-end d'une application web ou web mobile sécurisée",
            "Développer la partie back-end d'une application web ou web mobile sécurisée",
        ],
    },
    Programme {
        intitule: "Titre professionnel Électricien d'équipement du bâtiment",
        metier: "électricien du bâtiment",
        formacodes: &["24054", "24049"],
        nsf: "255",
        romes: &["F1602"],
        rncp: Some("36795"),
        rs: None,
        certifinfo: Some("101876"),
        niveau: "13",
        heures: 875,
        competences: &[
            "réaliser l'installation électrique d'un logement neuf",
            "rénover une installation électrique existante",
            "installer des équipements de communication et de sécurité",
        ],
        blocs: &[
            "Réaliser les travaux d'électricité dans un bâtiment neuf",
            "Réaliser des travaux de rénovation électrique",
        ],
    },
    Programme {
        intitule: "CAP Maintenance des véhicules option voitures particulières",
        metier: "mécanicien automobile",
        formacodes: &["31854"],
        nsf: "252",
        romes: &["I1604"],
        rncp: Some("37469"),
        rs: None,
        certifinfo: Some("111509"),
        niveau: "13",
        heures: 980,
        competences: &[
            "réaliser l'entretien périodique d'un véhicule",
            "remplacer des éléments mécaniques et électriques",
            "contrôler les systèmes de sécurité et de confort",
        ],
        blocs: &["Préparation d'une intervention de maintenance", "Réalisation d'interventions sur véhicule"],
    },
    Programme {
        intitule: "Titre professionnel Assistant de vie aux familles",
        metier: "assistant de vie aux familles",
        formacodes: &["42056", "44028"],
        nsf: "330",
        romes: &["K1302", "K1304"],
        rncp: Some("35503"),
        rs: None,
        certifinfo: Some("81954"),
        niveau: "13",
        heures: 700,
        competences: &[
            "entretenir le logement et le linge d'un particulier",
            "accompagner la personne dans ses actes essentiels du quotidien",
            "relayer les parents dans la prise en charge des enfants à domicile",
        ],
        blocs: &[
            "Entretenir le logement et le linge d'un particulier",
            "Accompagner la personne dans les actes essentiels du quotidien",
            "Relayer les parents dans la prise en charge de leurs enfants à leur domicile",
        ],
    },
    Programme {
        intitule: "Titre professionnel Comptable assistant",
        metier: "comptable assistant",
        formacodes: &["32663"],
        nsf: "314",
        romes: &["M1203"],
        rncp: Some("37948"),
        rs: None,
        certifinfo: Some("99207"),
        niveau: "14",
        heures: 812,
        competences: &[
            "assurer les travaux courants de comptabilité",
            "préparer la paie et les déclarations sociales courantes",
            "préparer la fin d'exercice comptable et fiscal",
        ],
        blocs: &["Assurer les travaux courants de comptabilité", "Préparer la paie et les déclarations sociales"],
    },
    Programme {
        intitule: "Titre professionnel Conducteur du transport routier de marchandises sur porteur",
        metier: "conducteur routier",
        formacodes: &["31811", "31826"],
        nsf: "311",
        romes: &["N4101"],
        rncp: Some("35289"),
        rs: None,
        certifinfo: Some("84107"),
        niveau: "12",
        heures: 455,
        competences: &[
            "préparer, réaliser et contrôler un transport de marchandises",
            "conduire un porteur de manière rationnelle et en sécurité",
            "réaliser les opérations de chargement et de déchargement",
        ],
        blocs: &["Réaliser en sécurité le transport de marchandises", "Conduire un porteur de manière rationnelle"],
    },
    Programme {
        intitule: "Titre professionnel Agent de propreté et d'hygiène",
        metier: "agent de propreté et d'hygiène",
        formacodes: &["42881"],
        nsf: "343",
        romes: &["K2204"],
        rncp: Some("36800"),
        rs: None,
        certifinfo: Some("103611"),
        niveau: "12",
        heures: 385,
        competences: &[
            "réaliser une prestation de nettoyage manuel",
            "réaliser une prestation de nettoyage mécanisé",
            "réaliser une prestation de remise en état mécanisée",
        ],
        blocs: &["Réaliser une prestation de nettoyage manuel", "Réaliser une prestation de nettoyage mécanisé"],
    },
    Programme {
        intitule: "Habilitation électrique B1V BR BC (recyclage)",
        metier: "électricien",
        formacodes: &["24049"],
        nsf: "255",
        romes: &["F1602", "I1309"],
        rncp: None,
        rs: Some("5488"),
        certifinfo: Some("89340"),
        niveau: "0",
        heures: 14,
        competences: &[
            "identifier les risques électriques",
            "appliquer les prescriptions de sécurité de la norme NF C 18-510",
            "réaliser des consignations en basse tension",
        ],
        blocs: &[],
    },
    Programme {
        intitule: "Français langue étrangère - niveau A2",
        metier: "locuteur autonome en français",
        formacodes: &["15235", "15254"],
        nsf: "136",
        romes: &[],
        rncp: None,
        rs: None,
        certifinfo: None,
        niveau: "1",
        heures: 210,
        competences: &[
            "comprendre des phrases isolées et des expressions fréquentes",
            "communiquer lors de tâches simples et habituelles",
            "décrire avec des moyens simples sa formation et son environnement",
        ],
        blocs: &[],
    },
    Programme {
        intitule: "Remise à niveau - savoirs de base et compétences numériques",
        metier: "salarié ou demandeur d'emploi",
        formacodes: &["15040", "15041"],
        nsf: "415",
        romes: &[],
        rncp: None,
        rs: None,
        certifinfo: None,
        niveau: "1",
        heures: 280,
        competences: &[
            "consolider la maîtrise du français écrit et oral",
            "utiliser les opérations mathématiques de la vie professionnelle",
            "utiliser un ordinateur, une messagerie et les services en ligne",
        ],
        blocs: &[],
    },
    Programme {
        intitule: "BTS Négociation et digitalisation de la relation client",
        metier: "commercial",
        formacodes: &["34566", "34054"],
        nsf: "312",
        romes: &["D1402", "D1407"],
        rncp: Some("38368"),
        rs: None,
        certifinfo: Some("96501"),
        niveau: "15",
        heures: 1350,
        competences: &[
            "développer la relation client et assurer la vente conseil",
            "animer la relation client digitale",
            "mettre en œuvre la politique commerciale d'un réseau",
        ],
        blocs: &[
            "Relation client et négociation-vente",
            "Relation client à distance et digitalisation",
            "Relation client et animation de réseaux",
        ],
    },
    Programme {
        intitule: "Titre professionnel Soudeur assembleur industriel",
        metier: "soudeur",
        formacodes: &["23054", "23084"],
        nsf: "254",
        romes: &["H2913"],
        rncp: Some("37853"),
        rs: None,
        certifinfo: Some("108741"),
        niveau: "13",
        heures: 770,
        competences: &[
            "réaliser des assemblages par soudage à l'arc électrode enrobée",
            "souder en semi-automatique des ensembles métalliques",
            "lire un plan d'ensemble et préparer les pièces",
        ],
        blocs: &["Assembler et souder des ouvrages métalliques", "Souder à plat des ensembles métalliques"],
    },
];

/// FORMACODE codes of publics (`code-public-vise`).
pub(crate) static PUBLICS: &[&str] = &[
    "83056", "80006", "81022", "81023", "81042", "80001", "81047",
];

/// FORMACODE codes of teaching methods (`code-modalite-pedagogique`).
pub(crate) static MODALITES_PEDAGOGIQUES: &[&str] = &["96311", "96312", "96314", "96315"];

/// Languages (ISO 639-1).
pub(crate) static LANGUES: &[&str] = &["fr", "fr", "fr", "en", "es", "de", "it", "ar"];

/// Filler sentences for free texts that have no better content.
pub(crate) static PHRASES: &[&str] = &[
    "Accompagnement individualisé tout au long du parcours.",
    "Alternance de cours théoriques et de mises en situation professionnelle.",
    "Les candidats sont reçus en entretien après une réunion d'information.",
    "Possibilité de valider des blocs de compétences.",
    "Les horaires peuvent être aménagés pour les personnes en situation de handicap.",
    "Une attestation de fin de formation est remise à chaque stagiaire.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_non_empty_and_fit_the_schema() {
        assert!(!TOWNS.is_empty() && !STREETS.is_empty() && !PROGRAMMES.is_empty());
        assert!(
            !ORG_KINDS.is_empty()
                && !FEMALE_NAMES.is_empty()
                && !MALE_NAMES.is_empty()
                && !LAST_NAMES.is_empty()
        );
        for t in TOWNS {
            assert_eq!(t.codepostal.len(), 5, "{}", t.ville);
            assert_eq!(t.insee.len(), 5, "{}", t.ville);
            assert!((2..=3).contains(&t.departement.len()));
            assert_eq!(t.region.len(), 2);
            assert!(t.insee.starts_with(&t.departement[..2]) || t.departement.starts_with('2'));
        }
        for p in PROGRAMMES {
            assert!(p.intitule.chars().count() <= 255);
            assert!(p.formacodes.iter().all(|c| c.len() == 5));
            assert!(p.romes.iter().all(|c| c.len() == 5));
            assert_eq!(p.nsf.len(), 3);
            assert!(p.competences.len() >= 3);
        }
    }
}
