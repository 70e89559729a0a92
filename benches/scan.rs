//! Micro-benchmarks (divan): rule loading, the keyword prefilter, text, binary and archive scanning.
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

/// A real ELF on every machine: this benchmark's own executable (with debug info, tens of MB).
static SELF_EXE: LazyLock<Vec<u8>> =
    LazyLock::new(|| fs::read(std::env::current_exe().expect("current exe")).expect("read exe"));

#[divan::bench(sample_count = 10, threads = false)]
fn binary_extract_and_match(bencher: divan::Bencher<'_, '_>) {
    use sovscan::scan::binary::{self, Format};
    let rules = &*RULES;
    let exe = &*SELF_EXE;
    bencher
        .counter(divan::counter::BytesCount::new(exe.len()))
        .bench(|| {
            let ex = binary::extract(rules, Format::Elf, exe).expect("own ELF parses");
            binary::findings(rules, "bench", &ex).len()
        });
}

#[divan::bench(sample_count = 10, threads = false)]
fn binary_dotted_strings(bencher: divan::Bencher<'_, '_>) {
    let exe = &*SELF_EXE;
    bencher
        .counter(divan::counter::BytesCount::new(exe.len()))
        .bench(|| {
            let mut out = Vec::new();
            sovscan::scan::binary::strings::dotted_strings(exe, 20_000, &mut out);
            out.len()
        });
}

/// 1,000 text files of 8 KiB (one in ten with a vendor hit) plus the benchmark's own ELF, as a
/// deflated zip and as a gzipped tarball. Counted in uncompressed bytes.
struct Archives {
    zip: Vec<u8>,
    tgz: Vec<u8>,
    uncompressed: u64,
}

static ARCHIVES: LazyLock<Archives> = LazyLock::new(|| {
    use std::io::Write;
    let mut members: Vec<(String, Vec<u8>)> = (0..1_000)
        .map(|i| {
            let mut text = filler(i);
            if i % 10 == 0 {
                text.push_str("endpoint = \"https://bucket.s3.eu-west-1.amazonaws.com\"\n");
            }
            (format!("app/conf{i}.yaml"), text.into_bytes())
        })
        .collect();
    members.push(("app/bin/tool".to_owned(), SELF_EXE.clone()));
    let uncompressed = members.iter().map(|(_, d)| d.len() as u64).sum();
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in &members {
        z.start_file(name.as_str(), opts).expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    let zip = z.finish().expect("zip").into_inner();
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut t = tar::Builder::new(gz);
    for (name, data) in &members {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        t.append_data(&mut h, name, data.as_slice())
            .expect("tar entry");
    }
    let tgz = t.into_inner().expect("tar").finish().expect("gzip");
    Archives {
        zip,
        tgz,
        uncompressed,
    }
});

fn bench_archive(bencher: divan::Bencher<'_, '_>, name: &str, bytes: &[u8]) {
    use sovscan::scan::archive::ArchiveLimits;
    use sovscan::scan::content::{Context, scan_bytes};
    let limits = ArchiveLimits::default();
    let cx = Context {
        rules: &RULES,
        limits: &limits,
        max_file_size: 10 << 20,
    };
    bencher
        .counter(divan::counter::BytesCount::new(ARCHIVES.uncompressed))
        .bench(|| {
            let out = scan_bytes(&cx, name, bytes);
            assert_eq!(out.stats.archive_members, 1_001);
            out.findings.len()
        });
}

#[divan::bench(sample_count = 10, threads = false)]
fn archive_zip(bencher: divan::Bencher<'_, '_>) {
    bench_archive(bencher, "bundle.zip", &ARCHIVES.zip);
}

#[divan::bench(sample_count = 10, threads = false)]
fn archive_tar_gz(bencher: divan::Bencher<'_, '_>) {
    bench_archive(bencher, "bundle.tar.gz", &ARCHIVES.tgz);
}

/// Start-up: the built-in packs parsed, validated and compiled the way a scan loads them
/// (regexes compiled on first use, keyword automaton and glob sets built).
#[divan::bench(sample_count = 20, threads = false)]
fn rules_load_for_scan() -> usize {
    let set = RuleSet::load(&[] as &[&Path]).expect("built-in packs");
    set.rules.len()
}

/// `sovscan rules test`: every built-in regex compiled and every example run.
#[divan::bench(sample_count = 5, threads = false)]
fn rules_compile_all_and_test_examples() -> usize {
    let set = RuleSet::builtin().expect("built-in packs");
    set.example_count()
}

/// The keyword prefilter alone over 1 MiB of code with no vendor keyword: what every text file
/// pays before any regex runs.
#[divan::bench(sample_count = 20, threads = false)]
fn prefilter_neutral_text(bencher: divan::Bencher<'_, '_>) {
    bench_prefilter(bencher, &filler(3).repeat(128));
}

/// The prefilter over 1 MiB with a vendor keyword every 4 KiB: overlapping keyword hits keep
/// it busier.
#[divan::bench(sample_count = 20, threads = false)]
fn prefilter_dense_hits(bencher: divan::Bencher<'_, '_>) {
    let mut text = String::new();
    let block = filler(5);
    for (i, chunk) in block.as_bytes().chunks(4096).cycle().take(256).enumerate() {
        text.push_str(std::str::from_utf8(chunk).expect("ascii filler"));
        text.push_str(
            [
                "amazonaws.com ",
                "azurerm ",
                "googleapis.com ",
                "cloudflare ",
            ][i % 4],
        );
    }
    bench_prefilter(bencher, &text);
}

fn bench_prefilter(bencher: divan::Bencher<'_, '_>, text: &str) {
    let matcher = RULES.file_matcher();
    let mut mask = Vec::new();
    matcher.applicable("infra/main.tf", &mut mask);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| matcher.keyword_hits(text.as_bytes(), &mask).len());
}
