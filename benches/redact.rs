//! Redaction throughput (issue 15): how many chat messages a second the detectors check
//! and mask, for the kinds of text residents type. Every message passes
//! `Detector::mask` in the hub before it is stored, so this is its cost per message;
//! `docs/performance.md` puts it beside the chat message path (`benches/chat_path.rs`).
//!
//! Run: `cargo bench --bench redact`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use loket::privacy::redact::{BsnMode, Detector};
use std::hint::black_box;

/// Typical messages: plain text, one with a BSN, one with an IBAN, one with many numbers
/// that are none of these (dates, a case number, a phone number), and a long one.
const MESSAGES: &[(&str, &str)] = &[
    (
        "plain",
        "Goedemiddag, mijn container is vorige week niet geleegd. Kunt u daar iets aan doen?",
    ),
    (
        "bsn",
        "Mijn bsn is 123.456.782 en ik wil weten hoe het met mijn aanvraag staat.",
    ),
    (
        "iban",
        "U kunt het terugstorten op NL91 ABNA 0417 1643 00, ten name van J. de Vries.",
    ),
    (
        "numbers",
        "Zaak 2026-00123, gebeld op 12-03-2026 om 14:30 met 06 12345678, postcode 1234 AB, huisnummer 12.",
    ),
];

fn bench(c: &mut Criterion) {
    let long = MESSAGES
        .iter()
        .map(|(_, m)| *m)
        .cycle()
        .take(24)
        .collect::<Vec<_>>()
        .join(" ");
    for (mode_name, detector) in [
        (
            "all",
            Detector {
                bsn: BsnMode::All,
                cards: true,
            },
        ),
        (
            "context",
            Detector {
                bsn: BsnMode::Context,
                cards: true,
            },
        ),
    ] {
        let mut group = c.benchmark_group(format!("redact/{mode_name}"));
        group.throughput(Throughput::Elements(1));
        for (name, text) in MESSAGES
            .iter()
            .map(|(n, t)| (*n, *t))
            .chain([("long 2 kB", long.as_str())])
        {
            group.bench_function(name, |b| b.iter(|| detector.mask(black_box(text)).len()));
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
