//! The scorer's properties (proptest) and realistic organisations (table tests).
//!
//! Findings are built from the real built-in rules, so vendors, jurisdictions and categories are
//! the catalogue's own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use proptest::prelude::*;
use sovscan::rules::{EvidenceSource, Strength};
use sovscan::score::{Assessment, Policy, Scope, assess};
use sovscan::{Finding, Location, RuleSet};

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in packs"));

/// A finding of rule `id` at `path`, with its strength lowered to at most `cap`.
fn finding(id: &str, path: &str, cap: Strength) -> Finding {
    let rules = &*RULES;
    let rule = rules.rule(id).unwrap_or_else(|| panic!("no rule {id}"));
    let location = Location::File {
        path: path.to_owned(),
        line: 1,
        column: 1,
    };
    let mut f = Finding::new(rules, rule, location, format!("evidence of {id}"), 0);
    f.strength = f.strength.min(cap);
    f
}

fn both() -> Scope {
    Scope::of([EvidenceSource::Files, EvidenceSource::Dns])
}

/// (category id -> (score, seal, formula)) of the scored categories. The formula lists every
/// deduction unrounded, so a change hidden by rounding the score still shows.
fn category_scores(a: &Assessment) -> BTreeMap<String, (u32, u8, String)> {
    a.categories
        .iter()
        .map(|c| {
            (
                c.id.clone(),
                (c.score, c.seal, c.explanation.formula.clone()),
            )
        })
        .collect()
}

/// The score of an assessed category: its own, or 100 when it had no evidence.
fn score_of(a: &Assessment, cat: &str) -> Option<u32> {
    if !a.assessed.categories.iter().any(|c| c == cat) {
        return None;
    }
    Some(
        a.categories
            .iter()
            .find(|c| c.id == cat)
            .map_or(100, |c| c.score),
    )
}

/// Rules of trusted (EU) and untrusted vendors across categories, at most four untrusted
/// vendors per category so that no category's score rounds to 0 before and after a change.
const POOL: &[&str] = &[
    "aws-terraform-provider",            // US iaas primary
    "aws-endpoint-hostname",             // US iaas used
    "azure-terraform-provider",          // US iaas primary
    "ovhcloud-terraform-provider",       // FR iaas primary
    "hetzner-endpoint-hostname",         // DE iaas used
    "microsoft-365-mx",                  // US email primary
    "google-workspace-mx",               // US email primary
    "proton-mail-mx",                    // CH email primary
    "mailbox-org-mx",                    // DE email primary
    "github-actions-workflow",           // US devops used
    "gitlab-ci-config",                  // US devops present
    "docker-hub-explicit-image",         // US containers used
    "scaleway-container-registry-image", // FR containers used
    "cloudflare-terraform-provider",     // US cdn primary
    "bunny-service-hostname",            // SI cdn used
    "entra-id-login-endpoint",           // US identity used
    "google-analytics-tag",              // US analytics used
    "sentry-dsn",                        // US observability used
    "mistral-api-endpoint",              // FR ai used
    "nextcloud-container-image",         // DE files used
    "sharepoint-online-hostname",        // US files used
];

fn strength() -> impl Strategy<Value = Strength> {
    prop_oneof![
        Just(Strength::Present),
        Just(Strength::Used),
        Just(Strength::Primary)
    ]
}

fn findings() -> impl Strategy<Value = Vec<Finding>> {
    prop::collection::vec((0..POOL.len(), 0..3u8, strength()), 0..24).prop_map(|v| {
        v.into_iter()
            .map(|(i, p, s)| finding(POOL[i], &format!("f{p}.tf"), s))
            .collect()
    })
}

fn scope() -> impl Strategy<Value = Scope> {
    (any::<bool>(), any::<bool>()).prop_map(|(f, d)| {
        let mut s = Vec::new();
        if f {
            s.push(EvidenceSource::Files);
        }
        if d {
            s.push(EvidenceSource::Dns);
        }
        Scope::of(s)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn adding_an_untrusted_finding_never_raises_a_score(
        base in findings(), extra in 0..POOL.len(), s in strength(), scope in scope()
    ) {
        let policy = Policy::default();
        let added = finding(POOL[extra], "added.tf", s);
        prop_assume!(!policy.trusts(&added.jurisdiction));
        let before = assess(&base, &RULES, &policy, &scope);
        let mut more = base;
        more.push(added);
        let after = assess(&more, &RULES, &policy, &scope);
        prop_assert!(after.score <= before.score, "{:?} -> {:?}", before.score, after.score);
        prop_assert!(after.seal <= before.seal);
        for cat in &before.assessed.categories {
            prop_assert!(score_of(&after, cat) <= score_of(&before, cat), "{cat}");
        }
        for o in &after.objectives {
            let b = before.objectives.iter().find(|x| x.id == o.id).expect("same objectives");
            prop_assert!(o.score <= b.score, "{}", o.id);
        }
    }

    #[test]
    fn without_untrusted_findings_every_assessed_category_scores_100(
        base in findings(), scope in scope()
    ) {
        let policy = Policy::default();
        let trusted: Vec<Finding> =
            base.into_iter().filter(|f| policy.trusts(&f.jurisdiction)).collect();
        let a = assess(&trusted, &RULES, &policy, &scope);
        for cat in &a.assessed.categories {
            prop_assert_eq!(score_of(&a, cat), Some(100), "{}", cat);
        }
        if !a.assessed.categories.is_empty() {
            prop_assert_eq!(a.score, Some(100));
            prop_assert_eq!(a.seal, Some(4));
        }
    }

    #[test]
    fn input_order_does_not_change_the_result(
        base in findings(), scope in scope(), seed in any::<u64>()
    ) {
        let policy = Policy::default();
        let mut shuffled = base.clone();
        // A seeded Fisher-Yates shuffle.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let a = assess(&base, &RULES, &policy, &scope);
        let b = assess(&shuffled, &RULES, &policy, &scope);
        prop_assert_eq!(a, b);
    }

    #[test]
    fn trusting_a_jurisdiction_changes_exactly_the_categories_that_depend_on_it(
        base in findings(), country in prop::sample::select(vec!["US", "CH", "DE"])
    ) {
        let scope = both();
        let policy = Policy::default();
        let mut wider = policy.clone();
        wider.trusted.insert(country.to_owned());
        let before = assess(&base, &RULES, &policy, &scope);
        let after = assess(&base, &RULES, &wider, &scope);
        let depends: BTreeSet<&str> = base
            .iter()
            .filter(|f| f.jurisdiction == country && !policy.trusts(country))
            .map(|f| f.category.as_str())
            .collect();
        let (b, a) = (category_scores(&before), category_scores(&after));
        for (cat, score) in &b {
            let changed = a.get(cat) != Some(score);
            prop_assert_eq!(changed, depends.contains(cat.as_str()), "{}: {:?} -> {:?}", cat, score, a.get(cat));
        }
    }
}

/// One organisation as rule ids (all at their rules' own strength).
fn org(ids: &[&str]) -> Vec<Finding> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| finding(id, &format!("evidence{i}"), Strength::Primary))
        .collect()
}

fn all_microsoft_city() -> Vec<Finding> {
    org(&[
        "microsoft-365-mx",
        "microsoft-365-spf",
        "entra-id-terraform",
        "azure-terraform-provider",
        "microsoft-graph-api",
        "teams-incoming-webhook",
        "sharepoint-online-hostname",
        "microsoft-intune-enrollment",
        "azure-dns-ns",
        "azure-pipelines-definition",
    ])
}

fn google_and_cloudflare() -> Vec<Finding> {
    org(&[
        "google-workspace-mx",
        "google-workspace-spf",
        "google-workspace-api",
        "google-workspace-terraform",
        "google-docs-link",
        "cloudflare-terraform-provider",
        "cloudflare-workers-hostname",
    ])
}

fn all_eu() -> Vec<Finding> {
    org(&[
        "mailbox-org-mx",
        "mailbox-org-spf",
        "ovhcloud-terraform-provider",
        "ovhcloud-dns-ns",
        "nextcloud-container-image",
        "scaleway-container-registry-image",
        "mistral-api-endpoint",
    ])
}

fn hybrid_eu_hosting_m365_mail() -> Vec<Finding> {
    org(&[
        "microsoft-365-mx",
        "microsoft-365-spf",
        "ovhcloud-terraform-provider",
        "ovhcloud-dns-ns",
        "nextcloud-container-image",
    ])
}

#[test]
fn realistic_organisations_rank_as_expected() {
    let policy = Policy::default();
    let score = |f: Vec<Finding>| assess(&f, &RULES, &policy, &both());
    let eu = score(all_eu());
    let hybrid = score(hybrid_eu_hosting_m365_mail());
    let google = score(google_and_cloudflare());
    let microsoft = score(all_microsoft_city());
    let table = [
        ("all-EU stack", &eu),
        ("EU hosting + Microsoft 365 mail", &hybrid),
        ("Google Workspace + Cloudflare", &google),
        ("all-Microsoft city", &microsoft),
    ];
    let summary: Vec<String> = table
        .iter()
        .map(|(name, a)| {
            let cats: Vec<String> = a
                .categories
                .iter()
                .map(|c| format!("{} {}", c.id, c.score))
                .collect();
            format!(
                "{name}: {:?} {} SEAL {:?} ({})",
                a.score,
                a.grade,
                a.seal,
                cats.join(", ")
            )
        })
        .collect();
    assert_eq!(eu.score, Some(100));
    assert_eq!(eu.seal, Some(4));
    for pair in table.windows(2) {
        assert!(
            pair[0].1.score > pair[1].1.score,
            "{} ({:?}) should score above {} ({:?}):\n{}",
            pair[0].0,
            pair[0].1.score,
            pair[1].0,
            pair[1].1.score,
            summary.join("\n")
        );
    }
    // Mail at Microsoft 365 makes the hybrid organisation's email SEAL 0 and caps its score.
    let email = hybrid
        .categories
        .iter()
        .find(|c| c.id == "email")
        .expect("email");
    assert_eq!((email.score, email.seal), (20, 0));
    assert_eq!(hybrid.cap.as_ref().map(|(_, c)| c.as_str()), Some("email"));
}

#[test]
fn email_is_not_assessed_without_dns_and_never_counted_as_sovereign() {
    let policy = Policy::default();
    let files_only = Scope::of([EvidenceSource::Files]);
    let a = assess(&all_microsoft_city(), &RULES, &policy, &files_only);
    let email = a
        .assessed
        .not_assessed
        .iter()
        .find(|n| n.id == "email")
        .expect("email is not assessed");
    assert!(email.reason.contains("dns"), "{}", email.reason);
    assert_eq!(email.vendors, ["microsoft"]);
    assert!(a.categories.iter().all(|c| c.id != "email"));
    // Nothing in scope: no score at all rather than a sovereign 100.
    let nothing = assess(&all_microsoft_city(), &RULES, &policy, &Scope::default());
    assert_eq!((nothing.score, nothing.grade), (None, "-"));
}

#[test]
fn a_swiss_policy_trusts_swiss_vendors_and_accepted_risks_cost_nothing() {
    let findings = org(&["proton-mail-mx", "github-actions-workflow"]);
    let eu = assess(&findings, &RULES, &Policy::default(), &both());
    let mut swiss = Policy::default();
    swiss.trusted.insert("CH".into());
    swiss
        .accepted
        .insert("github".into(), "CI only builds public code".into());
    let ch = assess(&findings, &RULES, &swiss, &both());
    assert!(ch.score > eu.score);
    assert_eq!(ch.score, Some(100));
    let ci = ch
        .categories
        .iter()
        .find(|c| c.id == "devops-ci")
        .expect("devops");
    let d = &ci.explanation.deductions[0];
    assert_eq!(d.exposure, 0.0);
    assert!(
        d.exempt
            .as_deref()
            .is_some_and(|e| e.contains("CI only builds public code"))
    );
}

#[test]
fn explanations_trace_every_point_to_findings() {
    let a = assess(&all_microsoft_city(), &RULES, &Policy::default(), &both());
    let fingerprints: BTreeSet<&str> = all_microsoft_city()
        .iter()
        .map(|f| f.fingerprint.clone())
        .collect::<Vec<_>>()
        .leak()
        .iter()
        .map(String::as_str)
        .collect();
    for c in &a.categories {
        assert!(
            c.explanation.formula.ends_with(&format!("= {}", c.score)),
            "{}",
            c.explanation.formula
        );
        for d in &c.explanation.deductions {
            assert!(!d.findings.is_empty());
            assert!(d.findings.iter().all(|f| fingerprints.contains(f.as_str())));
        }
    }
    // Untrusted dependencies carry the category's alternatives, flagged when non-EU.
    let mail = a
        .dependencies
        .iter()
        .find(|d| d.category == "email" && d.vendor == "microsoft")
        .expect("mail dependency");
    assert!(!mail.alternatives.is_empty());
    let chat = a
        .dependencies
        .iter()
        .find(|d| d.category == "chat-video")
        .expect("chat dependency");
    assert!(
        chat.alternatives
            .iter()
            .any(|x| !x.trusted && x.caveat.is_some())
    );
}

#[test]
fn docs_scoring_lists_every_category_weight() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scoring.md"))
        .expect("docs/scoring.md");
    for c in &RULES.categories {
        let sources: Vec<&str> = c.sources.iter().map(|s| s.as_str()).collect();
        let row = format!(
            "| {} | `{}` | {} | {} | {} | {} |",
            c.name,
            c.id,
            c.weight,
            sources.join(", "),
            c.objectives.join(", "),
            c.weight_reason
        );
        assert!(
            doc.contains(&row),
            "docs/scoring.md lacks or misstates:\n{row}"
        );
    }
}
