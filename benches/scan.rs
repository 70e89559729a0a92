//! Scanner throughput over a generated tree (divan).
//!
//! The tree mixes Terraform, JSON, Python, YAML and plain text, with vendor hits in about one
//! file in ten, like a real infrastructure monorepo. Run: `cargo bench --bench scan`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use sovscan::RuleSet;
use sovscan::scan::files::{FileScanOptions, scan_paths};

fn main() {
    divan::main();
}

/// Files in the generated tree and bytes per file.
const FILES: usize = 4_000;
const FILE_BYTES: usize = 8 * 1024;

struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    bytes: u64,
}

static TREE: LazyLock<Tree> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let bytes = generate(&root);
    Tree {
        _dir: dir,
        root,
        bytes,
    }
});

static RULES: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::builtin().expect("built-in packs"));

/// Deterministic filler text that looks like code but matches no rule.
fn filler(i: usize) -> String {
    let mut s = String::with_capacity(FILE_BYTES);
    let mut n = i;
    while s.len() < FILE_BYTES {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        s.push_str(&format!(
            "value_{:x} = compute(item, {}) # cluster region storage\n",
            n >> 40,
            n % 997
        ));
    }
    s
}

fn generate(root: &Path) -> u64 {
    let kinds = ["tf", "json", "py", "yaml", "md"];
    let hits = [
        "provider \"aws\" {\n  region = \"eu-west-1\"\n}\n",
        "{\"url\": \"https://data.blob.core.windows.net/x\"}\n",
        "import boto3\nclient = boto3.client('s3', endpoint_url='https://s3.fr-par.scw.cloud')\n",
        "image: gcr.io/acme/api:1.0\n",
        "See https://storage.googleapis.com/bucket/file\n",
    ];
    let mut total = 0;
    for i in 0..FILES {
        let kind = kinds[i % kinds.len()];
        let dir = root.join(format!("svc{:03}", i / 100));
        fs::create_dir_all(&dir).expect("mkdir");
        let mut text = filler(i);
        if i % 10 == 0 {
            text.insert_str(text.len() / 2 - text.len() / 2 % 64, hits[i % hits.len()]);
        }
        total += text.len() as u64;
        fs::write(dir.join(format!("file{i}.{kind}")), text).expect("write");
    }
    total
}

#[divan::bench(sample_count = 10, threads = false)]
fn scan_generated_tree(bencher: divan::Bencher<'_, '_>) {
    let tree = &*TREE;
    let rules = &*RULES;
    let roots = [tree.root.clone()];
    let opts = FileScanOptions::default();
    bencher
        .counter(divan::counter::BytesCount::new(tree.bytes))
        .bench(|| {
            let scan = scan_paths(&roots, &opts, rules).expect("scan");
            assert!(!scan.findings.is_empty());
            scan.stats.files_scanned
        });
}

#[divan::bench(sample_count = 10, threads = false)]
fn scan_text_single_file(bencher: divan::Bencher<'_, '_>) {
    let rules = &*RULES;
    let mut text = filler(7).repeat(16);
    text.push_str("provider \"aws\" {}\nhttps://bucket.s3.amazonaws.com/key\n");
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| sovscan::scan::text::scan_text(rules, "main.tf", text.as_bytes()).len());
}
