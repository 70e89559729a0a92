//! Every built-in rule pack loads, and every rule's examples behave as they say.

mod common;

use sovscan::RuleSet;
use sovscan::rules::RuleKind;

#[test]
fn builtin_packs_load_and_all_examples_pass() {
    match RuleSet::builtin() {
        Ok(set) => {
            assert!(set.rules.len() >= 10, "only {} rules", set.rules.len());
            assert!(set.example_count() >= 2 * set.rules.len());
        }
        Err(e) => panic!("{e}"),
    }
}

/// docs/rules.md is generated from the packs; set SOVSCAN_BLESS=1 to rewrite it.
#[test]
fn rule_reference_is_in_step_with_the_packs() {
    let set = RuleSet::builtin().expect("built-in packs");
    let generated = sovscan::cli::rules::reference_markdown(&set);
    common::assert_matches_committed("docs/rules.md", &generated);
}

#[test]
fn every_rule_id_is_unique_and_every_vendor_is_dated_and_sourced() {
    let set = RuleSet::builtin().expect("built-in packs");
    let mut ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len());
    for v in &set.vendors {
        assert!(v.source.starts_with("https://"), "{}", v.id);
        assert_eq!(v.as_of.len(), 10, "{}", v.id);
    }
}

#[test]
fn rules_list_json_carries_vendors_categories_and_rules() {
    let out = common::sovscan(&["rules", "list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let vendors = v["vendors"].as_array().expect("vendors");
    let aws = vendors
        .iter()
        .find(|x| x["id"] == "aws")
        .expect("aws vendor");
    assert_eq!(aws["jurisdiction"], "US");
    assert_eq!(aws["parent"], "Amazon.com, Inc.");
    assert!(
        v["categories"]
            .as_array()
            .expect("categories")
            .iter()
            .any(|c| c["id"] == "email" && c["weight"].as_u64().is_some())
    );
    let rules = v["rules"].as_array().expect("rules");
    let mx = rules
        .iter()
        .find(|r| r["id"] == "microsoft-365-mx")
        .expect("microsoft-365-mx");
    for key in ["vendor", "kind", "category", "strength"] {
        assert!(mx[key].is_string(), "{key} missing in {mx}");
    }
    assert_eq!(mx["records"], serde_json::json!(["mx"]));
    let ip = rules
        .iter()
        .find(|r| r["id"] == "aws-ip-range")
        .expect("aws-ip-range");
    assert_eq!(ip["ranges"], "amazon");
    assert!(
        v["ip_ranges"]
            .as_array()
            .expect("ip_ranges")
            .iter()
            .all(|r| r["as_of"].as_str().is_some_and(|d| d.len() == 10))
    );
}

#[test]
fn addresses_resolve_to_the_provider_whose_published_ranges_hold_them() {
    let set = RuleSet::builtin().expect("built-in packs");
    let owners = |addr: &str| -> Vec<String> {
        let ip = addr.parse().expect("address");
        set.ip_rules(ip)
            .map(|r| set.vendors[r.vendor].id.clone())
            .collect()
    };
    // One address from a listed prefix of each shipped list, and addresses of EU hosts that are in none.
    assert_eq!(owners("34.200.1.10"), ["aws"]);
    assert_eq!(owners("104.16.1.1"), ["cloudflare"]);
    assert_eq!(owners("185.199.108.153"), ["github"]);
    assert_eq!(owners("2606:50c0:8001::153"), ["github"]);
    assert!(owners("51.15.0.1").is_empty(), "Scaleway address");
    assert!(owners("5.9.0.1").is_empty(), "Hetzner address");
    assert!(owners("::ffff:34.200.1.10").contains(&"aws".to_owned()));
}

/// EU member states plus the EEA (IS, LI, NO): the default trusted set.
const EU_EEA: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

#[test]
fn the_catalogue_covers_enough_vendors_categories_and_places() {
    use sovscan::rules::RuleKind;
    let set = RuleSet::builtin().expect("built-in packs");
    let eu = set
        .vendors
        .iter()
        .filter(|v| EU_EEA.contains(&v.jurisdiction()))
        .count();
    let non_eu = set.vendors.len() - eu;
    assert!(non_eu >= 80, "{non_eu} non-EU vendors");
    assert!(eu >= 20, "{eu} EU/EEA vendors");
    assert!(set.categories.len() >= 14);
    for c in &set.categories {
        assert!(!c.objectives.is_empty(), "{} has no objectives", c.id);
        assert!(!c.alternatives.is_empty(), "{} has no alternatives", c.id);
        assert!(
            set.rules.iter().any(|r| r.category == c.id),
            "no rule in category {}",
            c.id
        );
    }
    for kind in [
        RuleKind::File,
        RuleKind::Dns,
        RuleKind::Binary,
        RuleKind::Ip,
    ] {
        assert!(
            set.rules.iter().filter(|r| r.kind == kind).count() >= 5,
            "few {kind:?} rules"
        );
    }
    // Every vendor a rule names exists, and every vendor has at least one rule.
    for (i, v) in set.vendors.iter().enumerate() {
        assert!(
            set.rules.iter().any(|r| r.vendor == i),
            "{} has no rules",
            v.id
        );
    }
    for r in &set.rules {
        assert!(r.vendor < set.vendors.len());
        assert!(set.category(&r.category).is_some());
        assert!(!r.examples_match.is_empty() && !r.examples_no_match.is_empty());
    }
}

/// Each manifest and IaC format named in the rule-pack issue is covered by some rule's paths.
#[test]
fn every_manifest_and_iac_format_has_rules() {
    let set = RuleSet::builtin().expect("built-in packs");
    let covered = |file: &str| {
        set.rules
            .iter()
            .any(|r| r.paths.iter().any(|g| glob_matches(g, file)))
    };
    for file in [
        "package.json",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "requirements.txt",
        "pyproject.toml",
        "Pipfile",
        "poetry.lock",
        "go.mod",
        "go.sum",
        "Cargo.toml",
        "Cargo.lock",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "App.csproj",
        "packages.config",
        "composer.json",
        "composer.lock",
        "Gemfile",
        "Gemfile.lock",
        "main.tf",
        ".terraform.lock.hcl",
        "Dockerfile",
        "deployment.yaml",
        "docker-compose.yml",
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        "azure-pipelines.yml",
    ] {
        assert!(covered(file), "no rule looks at {file}");
    }
}

fn glob_matches(glob: &str, path: &str) -> bool {
    let g = globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .build()
        .expect("glob")
        .compile_matcher();
    let name = path.rsplit('/').next().unwrap_or(path);
    if glob.contains('/') {
        g.is_match(path)
    } else {
        g.is_match(name)
    }
}

#[test]
fn rules_export_rg_writes_every_file_regex_once_in_ascii_mode() {
    let out = common::sovscan(&["rules", "export", "--format", "rg"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let set = RuleSet::builtin().expect("built-in packs");
    let mut expected: Vec<String> = Vec::new();
    for rule in set.rules.iter().filter(|r| r.kind == RuleKind::File) {
        let line = format!(
            "(?-u){}",
            rule.regex().expect("file rules have a regex").as_str()
        );
        if !expected.contains(&line) {
            expected.push(line);
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines, expected);
    // Every line is a regex on its own (a pattern file has no continuation lines) and finds
    // what the rule's own examples say it finds.
    let aws = regex::bytes::Regex::new(
        lines
            .iter()
            .find(|l| l.contains(r#"provider\s+"aws""#))
            .expect("the AWS provider rule is exported"),
    )
    .expect("compiles");
    assert!(aws.is_match(br#"provider "aws" {"#));
    assert!(!aws.is_match(br#"provider "azurerm" {"#));
}

#[test]
fn rules_export_keywords_lists_each_prefilter_keyword_once_in_lower_case() {
    let out = common::sovscan(&["rules", "export", "--format", "keywords"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(lines, sorted, "sorted and distinct");
    assert!(
        lines
            .iter()
            .all(|k| k.len() >= 3 && *k == k.to_ascii_lowercase())
    );
    let set = RuleSet::builtin().expect("built-in packs");
    for rule in set.rules.iter().filter(|r| r.kind == RuleKind::File) {
        for k in &rule.keywords {
            assert!(lines.contains(&k.to_ascii_lowercase().as_str()), "{k}");
        }
    }
}
