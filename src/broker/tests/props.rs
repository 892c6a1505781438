//! Property runs: random input sequences replayed through the broker and the reference
//! model (`model.rs`), and a check that the generator reaches every interesting state.

use proptest::prelude::*;

use super::model::{Model, Op, op};

fn run(setup: bool, ops: &[(Op, u64)]) -> Result<model::Stats, TestCaseError> {
    let mut model = Model::new();
    let mut broker = Model::broker();
    if setup {
        for (queue, video) in [(1, false), (2, false), (3, true)] {
            let input = model.input(&Op::Define { queue, video }, 0);
            model.step(&mut broker, input)?;
        }
        for (staff, skills, chat, video) in [
            (1, vec![1, 2], 2, 0),
            (2, vec![1, 3], 1, 1),
            (3, vec![2, 3], 3, 1),
        ] {
            let input = model.input(
                &Op::Online {
                    staff,
                    skills,
                    chat,
                    video,
                },
                0,
            );
            model.step(&mut broker, input)?;
            let input = model.input(&Op::Presence { staff, presence: 0 }, 0);
            model.step(&mut broker, input)?;
        }
    }
    for (op, advance) in ops {
        let input = model.input(op, *advance);
        model.step(&mut broker, input)?;
    }
    Ok(model.stats)
}

use super::model;

/// Time advances mostly a little, sometimes past offer timeouts and
/// cooldowns.
fn advance() -> impl Strategy<Value = u64> {
    prop_oneof![
        8 => 0..2_000u64,
        2 => 5_000..12_000u64,
        1 => 25_000..40_000u64,
    ]
}

proptest! {
    // 512 cases by default; PROPTEST_CASES=n for a longer soak.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_sequences_keep_invariants(
        setup in prop::bool::weighted(0.9),
        ops in prop::collection::vec((op(), advance()), 1..200),
    ) {
        run(setup, &ops)?;
    }
}

/// The generator reaches the interesting states (guards against a
/// vacuous property test).
#[test]
fn generator_exercises_every_path() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = prop::collection::vec((op(), advance()), 150..200);
    let mut total = model::Stats::default();
    for _ in 0..40 {
        let ops = strategy
            .new_tree(&mut runner)
            .map(|t| t.current())
            .unwrap_or_default();
        match run(true, &ops) {
            Ok(stats) => {
                total.steps += stats.steps;
                total.errors += stats.errors;
                total.offers += stats.offers;
                total.assigned += stats.assigned;
                total.timeouts += stats.timeouts;
                total.requeued += stats.requeued;
            }
            Err(e) => panic!("{e}"),
        }
    }
    eprintln!("generator coverage: {total:?}");
    assert!(total.offers > 500, "{total:?}");
    assert!(total.assigned > 200, "{total:?}");
    assert!(total.timeouts > 20, "{total:?}");
    assert!(total.requeued > 20, "{total:?}");
    assert!(total.errors > 100, "{total:?}");
    assert!(total.errors < total.steps / 2, "{total:?}");
}
