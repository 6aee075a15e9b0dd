//! `harness calibrate`: bad input is refused in one line, and a tiny
//! calibration produces positive figures and ratios. Speed goals are not
//! asserted here (tests assert behaviour, never speed).

use std::time::Duration;

use harness::calibrate::{CalibrateConfig, THRESHOLD, calibrate};

mod common;
use common::{harness, refused};

#[test]
fn bad_calibrate_input_is_refused_in_one_line() {
    refused(&["calibrate", "--threads", "0"], "from 1 to 1024");
    refused(&["calibrate", "--size", "0"], "from 1 to");
    refused(&["calibrate", "--rounds", "0"], "from 1 to 10000");
    refused(&["calibrate", "--duration", "0s"], "above zero");
    refused(&["calibrate", "--duration", "soon"], "such as 5s, 500ms");
    refused(
        &["calibrate", "--format", "csv"],
        "[possible values: table, json]",
    );
}

#[test]
fn a_tiny_calibration_gives_positive_figures_and_ratios() {
    let config = CalibrateConfig {
        threads: 2,
        size: 8,
        duration: Duration::from_millis(20),
        warmup: Duration::from_millis(5),
        rounds: 2,
        seed: 3,
    };
    let c = calibrate(&config).unwrap();
    for loop_ in [
        &c.hand_cache,
        &c.hand_load,
        &c.harness,
        &c.harness_unsampled,
    ] {
        assert_eq!(loop_.rounds.len(), 2, "{c:?}");
        assert!(loop_.rounds.iter().all(|&r| r > 0.0), "{c:?}");
        assert!(loop_.ops_per_sec > 0.0 && loop_.ns_per_op > 0.0, "{c:?}");
    }
    assert!(c.ratio > 0.0 && c.ratio.is_finite(), "{c:?}");
    assert!(c.ratio_plain_load > 0.0 && c.ratio_plain_load.is_finite());
    assert!(c.ratio_unsampled > 0.0 && c.sampling_cost.is_finite());
    assert_eq!(c.passes, c.ratio >= THRESHOLD);
    assert!(c.timer_ns > 0.0 && c.sampling_overhead > 0.0, "{c:?}");
    assert!(c.ops_per_timed_op >= 1.0, "{c:?}");
    assert!(c.sampling.starts_with("adaptive"), "{c:?}");
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["strategy"], "arc-swap");
    assert_eq!(json["threads"], 2);
}

#[test]
fn calibrate_prints_both_ratios_and_a_verdict_whose_exit_code_matches() {
    let out = harness()
        .args(["calibrate", "--duration", "20ms", "--warmup", "0s"])
        .args(["--rounds", "1", "--size", "8"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("calibrate · scenario config"),
        "{stdout}"
    );
    assert!(
        stdout.contains("harness / Cache::load hand loop:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("harness / ArcSwap::load hand loop:"),
        "{stdout}"
    );
    let passed = stdout.contains("verdict: PASS");
    assert!(passed || stdout.contains("verdict: FAIL"), "{stdout}");
    assert_eq!(
        out.status.code(),
        Some(if passed { 0 } else { 1 }),
        "{stdout}"
    );
}
