//! Bad input never panics or hangs: random and mutated sample bytes through
//! every parser, truncated gzip, 100 KB lines, binary noise and a gzip bomb.
//! (The cargo-fuzz targets in `fuzz/` explore the same entry points further.)

mod support;

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use leakls::runtime::{FrameClassifier, Limits, LoadError, Snapshot, load_bytes, proto};
use support::edits::Rng;

fn sample(rel: &str) -> Vec<u8> {
    std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/dumps").join(rel)).unwrap()
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(bytes), &mut out).unwrap();
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// Flips bytes, cuts, splices copies of other parts, and inserts noise.
fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(8) {
        if out.is_empty() {
            out.push(b'g');
        }
        let at = rng.below(out.len());
        match rng.below(6) {
            0 => out[at] ^= 1 << rng.below(8),
            1 => out.truncate(at),
            2 => {
                let end = (at + rng.below(400)).min(out.len());
                let piece = out[at..end].to_vec();
                let to = rng.below(out.len());
                out.splice(to..to, piece);
            }
            3 => {
                let noise: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
                out.splice(at..at, noise);
            }
            4 => {
                let syntax = b"[]{}():\"\\\t\n ,.@#";
                out[at] = syntax[rng.below(syntax.len())];
            }
            _ => {
                let end = (at + rng.below(200)).min(out.len());
                out.drain(at..end);
            }
        }
    }
    out
}

fn check(name: &str, bytes: &[u8]) {
    let limits = Limits { max_bytes: 8 << 20, max_line: 4096 };
    // Either outcome is fine; a panic fails the test.
    let _ = load_bytes(name, bytes, limits);
    let _ = proto::parse(bytes, &FrameClassifier::default());
}

#[test]
fn mutated_samples_of_every_format() {
    let corpus: Vec<(&str, Vec<u8>)> = vec![
        ("debug2", gunzip(&sample("mixed/t0.goroutine.debug2.txt.gz"))[..60_000].to_vec()),
        ("debug1", sample("mixed/t0.goroutineleak.debug1.txt")),
        ("proto", gunzip(&sample("mixed/t0.goroutine.debug0.pb.gz"))),
        ("sigquit", gunzip(&sample("variants/system.sigquit.stderr.txt.gz"))[..60_000].to_vec()),
        ("ancestors", gunzip(&sample("variants/ancestors.goroutine.debug2.txt.gz"))[..40_000].to_vec()),
        ("json", sample("crash/synctest-test-timeout.json")),
        ("crash", sample("crash/stackoverflow.stderr.txt")),
    ];
    let mut rng = Rng(0x5eed_1e4c_15d0);
    let started = Instant::now();
    for (name, bytes) in &corpus {
        check(name, bytes);
        for _ in 0..100 {
            let mutated = mutate(bytes, &mut rng);
            check(name, &mutated);
            check(name, &gzip(&mutated));
        }
    }
    for len in [0, 1, 2, 3, 17, 512, 70_000] {
        let noise: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check("noise", &noise);
        check("noise", &[&[0x1f, 0x8b][..], &noise].concat());
    }
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn truncated_gzip_gives_a_partial_result_with_a_warning() {
    let gz = sample("mixed/t0.goroutine.debug2.txt.gz");
    let source = load_bytes("cut.gz", &gz[..gz.len() / 2], Limits::default()).unwrap();
    assert!(source.info.goroutines > 100 && source.info.goroutines < 4219, "{}", source.info.goroutines);
    assert!(source.warnings.iter().any(|w| w.contains("input ends early")), "{:?}", source.warnings);
    assert!(source.partial);
    assert!(source.warnings.iter().any(|w| w.contains("gzip data is truncated")), "{:?}", source.warnings);
}

#[test]
fn long_lines_binary_noise_and_bombs_are_bounded() {
    let mut text = b"goroutine 1 [chan send]:\nmain.f()\n\t/src/main.go:3 +0x1\n\n".to_vec();
    text.extend(std::iter::repeat_n(b'x', 100_000));
    text.extend_from_slice(b"\ngoroutine 2 [chan send]:\nmain.f()\n\t/src/main.go:3 +0x1\n");
    let source = load_bytes("long", &text, Limits::default()).unwrap();
    assert_eq!((source.info.goroutines, source.groups.len()), (2, 1));
    assert!(source.warnings.iter().any(|w| w.contains("lines longer than")), "{:?}", source.warnings);

    let noise: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert!(matches!(load_bytes("noise", &noise, Limits::default()), Err(LoadError::NotADump(_))));

    // 64 MiB of lines inflating from well under 1 MiB; the cap stops it early.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(b"goroutine 1 [select]:\nmain.f()\n\t/src/main.go:3\n\ngoroutine 2 [select]:\nmain.f()\n").unwrap();
    let block = b"\tjunk\n".repeat(1 << 16);
    for _ in 0..(64 << 20) / block.len() {
        enc.write_all(&block).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let started = Instant::now();
    let limits = Limits { max_bytes: 4 << 20, ..Limits::default() };
    let source = load_bytes("bomb.gz", &bomb, limits).unwrap();
    assert_eq!(source.info.goroutines, 1, "the goroutine the cap cuts is left out");
    assert!(source.partial);
    assert!(source.warnings.iter().any(|w| w.contains("read up to there only")), "{:?}", source.warnings);
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// Inputs the fuzzers once crashed on (`testdata/dumps/fuzz/<target>-*`), fed
/// the way their target feeds them.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/dumps/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let input = match name.split('-').next() {
            // The `counted` target puts a profile header first.
            Some("counted") => [b"goroutineleak profile: total 3\n".as_slice(), &data].concat(),
            _ => data,
        };
        let limits = Limits { max_bytes: 1 << 20, max_line: 4096 };
        if let Ok(source) = load_bytes(&name, &input, limits) {
            let _ = Snapshot::merge(vec![source]);
        }
        seen += 1;
    }
    assert!(seen > 0, "no fuzz regressions in {}", dir.display());
}

/// The size cap stops a dump between goroutines: the one it cuts is left out
/// (its half stack would be a group the program does not have), and the source
/// says it is partial.
#[test]
fn the_size_cap_leaves_out_the_goroutine_it_cuts() {
    let mut text = String::new();
    for i in 0..2_000 {
        text.push_str(&format!(
            "goroutine {i} [chan send]:\nmain.worker()\n\t/src/main.go:10 +0x1\nmain.start()\n\t/src/main.go:123456 +0x2\n\n"
        ));
    }
    for cut in [10_000u64, 10_050, 10_090, 33_333] {
        let source = load_bytes("capped.txt", text.as_bytes(), Limits { max_bytes: cut, ..Limits::default() }).unwrap();
        assert!(source.partial, "cut at {cut}");
        assert_eq!(source.groups.len(), 1, "cut at {cut}: no phantom group: {:#?}", source.groups);
        assert_eq!(source.groups[0].frames.len(), 2);
        assert!(source.warnings.iter().any(|w| w.contains("partial")), "{:?}", source.warnings);
    }
    let whole = load_bytes("whole.txt", text.as_bytes(), Limits::default()).unwrap();
    assert!(!whole.partial);
}

/// Binary noise is told from a profile on its first bytes, not read up to the
/// size cap before protobuf decoding fails; a pipe that hands them over a byte
/// at a time is sniffed the same way.
#[test]
fn binary_noise_is_refused_on_its_prefix() {
    struct Noise<'a> {
        served: &'a mut u64,
        chunk: usize,
    }
    impl std::io::Read for Noise<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.chunk);
            for b in &mut buf[..n] {
                *self.served += 1;
                // Starts 0xbb: not gzip's magic.
                *b = (self.served.wrapping_mul(2_654_435_761) >> 13) as u8;
            }
            Ok(n)
        }
    }
    for chunk in [1, 1 << 16] {
        let mut served = 0;
        let limits = Limits { max_bytes: 256 << 20, ..Limits::default() };
        let result = leakls::runtime::load_reader("noise.bin", Noise { served: &mut served, chunk }, limits);
        match result {
            Err(LoadError::NotADump(why)) => assert!(why.starts_with("noise.bin: not a goroutine dump"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(served <= 1 << 20, "read {served} bytes of noise (chunks of {chunk})");
    }
}
