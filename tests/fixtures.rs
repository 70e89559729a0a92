//! The fixture projects, as a table: each yields exactly the vendors and rules listed.

mod common;

use common::{finding_values, fixture, scan_json, sovscan};

struct Case {
    project: &'static str,
    vendors: &'static [&'static str],
    rules: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        project: "projects/aws-terraform",
        vendors: &["aws"],
        rules: &[
            "aws-arn",
            "aws-ecr-image",
            "aws-endpoint-hostname",
            "aws-sdk-python",
            "aws-terraform-provider",
            "aws-terraform-resource",
            "aws-terraform-s3-backend",
        ],
    },
    Case {
        project: "projects/azure-pipeline",
        vendors: &["microsoft"],
        rules: &[
            "azure-cli-ci",
            "azure-endpoint-hostname",
            "azure-pipelines-azure-task",
            "azure-pipelines-definition",
            "azure-pipelines-hosted-agent",
            "azure-sdk-nuget",
            "microsoft-container-registry-image",
        ],
    },
    Case {
        project: "projects/gcp-app",
        vendors: &["docker", "google"],
        rules: &[
            "docker-hub-implicit-image",
            "google-cloud-build-config",
            "google-cloud-cli-ci",
            "google-cloud-endpoint-hostname",
            "google-cloud-sdk-python",
            "google-cloud-service-account",
            "google-container-registry-image",
        ],
    },
    Case {
        project: "projects/eu-only",
        vendors: &["hetzner", "ovhcloud", "scaleway"],
        rules: &[
            "hetzner-api-token",
            "hetzner-endpoint-hostname",
            "hetzner-terraform-provider",
            "hetzner-terraform-resource",
            "ovhcloud-api-credentials",
            "ovhcloud-terraform-provider",
            "ovhcloud-terraform-resource",
            "scaleway-api-credentials",
            "scaleway-container-registry-image",
            "scaleway-endpoint-hostname",
            "scaleway-terraform-provider",
            "scaleway-terraform-resource",
        ],
    },
    Case {
        project: "demo-city",
        vendors: &["aws", "docker", "github", "google", "microsoft", "ovhcloud"],
        rules: &[
            "aws-terraform-provider",
            "aws-terraform-resource",
            "azure-endpoint-hostname",
            "azure-sdk-npm",
            "docker-hub-explicit-image",
            "github-actions-hosted-runner",
            "github-actions-workflow",
            "github-container-registry-image",
            "google-analytics-tag",
            "microsoft-graph-api",
            "ovhcloud-endpoint-hostname",
            "ovhcloud-terraform-provider",
            "ovhcloud-terraform-resource",
        ],
    },
];

#[test]
fn each_fixture_yields_exactly_its_vendors_and_rules() {
    for case in CASES {
        let report = scan_json(&fixture(case.project), &[]);
        assert_eq!(
            finding_values(&report, "vendor"),
            case.vendors,
            "{}",
            case.project
        );
        assert_eq!(
            finding_values(&report, "rule"),
            case.rules,
            "{}",
            case.project
        );
        assert!(
            report["errors"].as_array().expect("errors").is_empty(),
            "{}",
            case.project
        );
    }
}

#[test]
fn the_eu_only_stack_has_no_untrusted_finding_and_scores_100() {
    let report = scan_json(&fixture("projects/eu-only"), &[]);
    let org = &report["organisations"][0];
    let jurisdictions = finding_values(&report, "jurisdiction");
    assert!(
        jurisdictions.iter().all(|j| j == "FR" || j == "DE"),
        "{jurisdictions:?}"
    );
    assert_eq!(org["score"], 100);
    assert_eq!(org["grade"], "A");
    assert!(
        org["vendors"]
            .as_array()
            .expect("vendors")
            .iter()
            .all(|v| v["trusted"] == true)
    );
}

#[test]
fn us_heavy_fixtures_score_below_the_eu_stack() {
    let score = |p: &str| {
        scan_json(&fixture(p), &[])["organisations"][0]["score"]
            .as_u64()
            .expect("score")
    };
    let eu = score("projects/eu-only");
    for p in [
        "projects/aws-terraform",
        "projects/azure-pipeline",
        "projects/gcp-app",
        "demo-city",
    ] {
        assert!(score(p) < eu, "{p} scores {} vs eu {eu}", score(p));
    }
}

#[test]
fn demo_city_gitignore_hides_the_build_dir() {
    let report = scan_json(&fixture("demo-city"), &[]);
    let rules = finding_values(&report, "rule");
    assert!(!rules.contains(&"aws-access-key-id".to_owned()));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        fixture("demo-city/build/release.env"),
        dir.path().join("release.env"),
    )
    .expect("copy");
    let alone = scan_json(dir.path(), &[]);
    assert!(finding_values(&alone, "rule").contains(&"aws-access-key-id".to_owned()));
}

#[test]
fn audit_reports_each_organisation_of_the_manifest() {
    let out = sovscan(&[
        "audit",
        "--config",
        "fixtures/configs/two-cities.toml",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let orgs = r["organisations"].as_array().expect("orgs");
    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[0]["name"], "AWS Town");
    assert_eq!(orgs[1]["name"], "EU Village");
    assert!(orgs[0]["score"].as_u64() < orgs[1]["score"].as_u64());
    // --fail-under applies to the weakest organisation.
    let gate = sovscan(&[
        "audit",
        "--config",
        "fixtures/configs/two-cities.toml",
        "--fail-under",
        "60",
    ]);
    assert_eq!(gate.status.code(), Some(1));
}

#[test]
fn domains_without_an_answer_leave_mail_not_assessed() {
    // The domain is outside the only zone given: no answer, so email stays "not assessed"
    // rather than counting as sovereign. (Zone files keep the test off the network.)
    let dir = tempfile::tempdir().expect("tempdir");
    let eu = fixture("projects/eu-only");
    let cfg = dir.path().join("sovscan.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[org]]\nname = \"Town\"\npaths = [{:?}]\ndomains = [\"town.example\"]\n",
            eu.display().to_string()
        ),
    )
    .expect("write");
    let zone = fixture("dns/gworkspace.test.zone");
    let out = sovscan(&[
        "audit",
        "--config",
        cfg.to_str().expect("utf-8"),
        "--zone",
        zone.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let errors = common::error_pairs(&r);
    assert!(
        errors.contains(&("dns".to_owned(), "town.example".to_owned())),
        "{errors:?}"
    );
    let na = &r["organisations"][0]["assessed"]["not_assessed"];
    assert!(
        na.as_array()
            .is_some_and(|a| a.iter().any(|n| n["id"] == "email")),
        "{na}"
    );
}
