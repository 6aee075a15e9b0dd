//! What machine a figure was measured on, precisely enough to tell two
//! machines apart.
//!
//! A CPU's model name says little ("AMD EPYC" names several generations on
//! cloud VMs), and a figure does not travel between generations: a
//! baseline recorded on one EPYC generation failed unchanged code on another
//! by 40% to 70%, because a plain loop ran 2.2x faster there while a mutex
//! ran 0.6x. So every result records the CPU's identity (vendor, family,
//! model, stepping, microcode), its logical cores and cache sizes, the
//! instruction-set flags that change which code paths run, and the kernel;
//! and a [`Machine::fingerprint`] made of all of them, which the gate's
//! baseline mode compares before it compares any figure.

use serde::{Deserialize, Serialize};

/// The `/proc/cpuinfo` flags that select different code paths in the
/// compiler's output, the standard library or the allocator.
pub const CODE_PATH_FLAGS: &[&str] = &[
    "sse4_2", "popcnt", "avx", "avx2", "fma", "bmi2", "erms", "fsrm", "avx512f", "avx512bw",
    "avx512vl", "sha_ni", "aes", "rtm", "asimd", "sve", "atomics",
];

/// The machine a result was measured on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// The target architecture the harness was built for, e.g. `x86_64`.
    pub arch: String,
    /// CPU vendor (`vendor_id`, or `CPU implementer` on ARM); `unknown` if absent.
    pub vendor: String,
    /// CPU family (`cpu family`, or `CPU architecture` on ARM); `unknown` if absent.
    pub family: String,
    /// CPU model number (`model`, or `CPU part` on ARM); `unknown` if absent.
    pub model: String,
    /// CPU stepping (`stepping`, or `CPU revision` on ARM); `unknown` if absent.
    pub stepping: String,
    /// Microcode revision (`microcode`, or `CPU variant` on ARM); `unknown` if absent.
    pub microcode: String,
    /// Threads the process may run in parallel (`available_parallelism`).
    pub logical_cores: usize,
    /// Each cache of the first CPU, e.g. `L1d 48K`, `L3 32768K`.
    pub caches: Vec<String>,
    /// Which of [`CODE_PATH_FLAGS`] the CPU has.
    pub flags: Vec<String>,
    /// The kernel release, or `unknown`.
    pub kernel: String,
    /// All of the above in one line; two results are comparable only when
    /// theirs are equal. Empty in files written before it existed.
    pub fingerprint: String,
}

impl Machine {
    /// Reads this machine's description from `/proc` and `/sys`.
    pub fn capture() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let logical_cores = std::thread::available_parallelism().map_or(1, usize::from);
        let kernel = read_trimmed("/proc/sys/kernel/osrelease").unwrap_or_else(unknown);
        Machine::describe(&cpuinfo, logical_cores, caches(), kernel)
    }

    /// A machine from the text of `/proc/cpuinfo` and the other readings.
    pub fn describe(
        cpuinfo: &str,
        logical_cores: usize,
        caches: Vec<String>,
        kernel: String,
    ) -> Machine {
        let field = |names: &[&str]| {
            names
                .iter()
                .find_map(|name| first_cpu_field(cpuinfo, name))
                .unwrap_or_else(unknown)
        };
        let present = field(&["flags", "Features"]);
        let present: Vec<&str> = present.split_whitespace().collect();
        let mut machine = Machine {
            arch: std::env::consts::ARCH.to_owned(),
            vendor: field(&["vendor_id", "CPU implementer"]),
            family: field(&["cpu family", "CPU architecture"]),
            model: field(&["model", "CPU part"]),
            stepping: field(&["stepping", "CPU revision"]),
            microcode: field(&["microcode", "CPU variant"]),
            logical_cores,
            caches,
            flags: CODE_PATH_FLAGS
                .iter()
                .filter(|flag| present.contains(flag))
                .map(|flag| (*flag).to_owned())
                .collect(),
            kernel,
            fingerprint: String::new(),
        };
        machine.fingerprint = machine.derive_fingerprint();
        machine
    }

    /// e.g. `x86_64 AuthenticAMD family 26 model 2 stepping 1 microcode
    /// 0x1000065, 2 logical cores, L1d 48K L1i 32K L2 1024K L3 32768K,
    /// avx2+avx512f, kernel 6.1.0`.
    fn derive_fingerprint(&self) -> String {
        format!(
            "{} {} family {} model {} stepping {} microcode {}, {} logical cores, {}, {}, kernel {}",
            self.arch,
            self.vendor,
            self.family,
            self.model,
            self.stepping,
            self.microcode,
            self.logical_cores,
            if self.caches.is_empty() {
                "caches unknown".to_owned()
            } else {
                self.caches.join(" ")
            },
            if self.flags.is_empty() {
                "no listed flags".to_owned()
            } else {
                self.flags.join("+")
            },
            self.kernel,
        )
    }
}

/// The value of `name` in the first processor's block of `/proc/cpuinfo`.
fn first_cpu_field(cpuinfo: &str, name: &str) -> Option<String> {
    cpuinfo
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| value.trim().to_owned())
}

/// The first CPU's caches from `/sys`, as `L<level><d|i|> <size>`.
fn caches() -> Vec<String> {
    let base = "/sys/devices/system/cpu/cpu0/cache";
    (0..16)
        .map_while(|index| {
            let read = |file: &str| read_trimmed(&format!("{base}/index{index}/{file}"));
            let level = read("level")?;
            let kind = match read("type").as_deref() {
                Some("Data") => "d",
                Some("Instruction") => "i",
                _ => "",
            };
            Some(format!(
                "L{level}{kind} {}",
                read("size").unwrap_or_else(unknown)
            ))
        })
        .collect()
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|text| text.trim().to_owned())
}

fn unknown() -> String {
    "unknown".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPYC: &str = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n\
        model\t\t: 2\nmodel name\t: AMD EPYC\nstepping\t: 1\nmicrocode\t: 0x1000065\n\
        flags\t\t: fpu sse4_2 avx avx2 avx512f\n\nprocessor\t: 1\nvendor_id\t: Other\n";

    fn epyc(cpuinfo: &str) -> Machine {
        let caches = vec!["L1d 48K".to_owned(), "L3 32768K".to_owned()];
        Machine::describe(cpuinfo, 2, caches, "6.1.0".to_owned())
    }

    #[test]
    fn reads_the_first_cpus_identity_and_the_flags_that_change_code_paths() {
        let machine = epyc(EPYC);
        assert_eq!(machine.vendor, "AuthenticAMD");
        assert_eq!(
            (machine.family.as_str(), machine.model.as_str()),
            ("26", "2")
        );
        assert_eq!(machine.stepping, "1");
        assert_eq!(machine.microcode, "0x1000065");
        assert_eq!(machine.flags, ["sse4_2", "avx", "avx2", "avx512f"]);
        assert!(
            machine
                .fingerprint
                .contains("AuthenticAMD family 26 model 2 stepping 1"),
            "{}",
            machine.fingerprint
        );
        assert!(machine.fingerprint.contains("L1d 48K L3 32768K"));
    }

    #[test]
    fn a_change_of_microcode_flags_or_kernel_changes_the_fingerprint() {
        let base = epyc(EPYC).fingerprint;
        assert_ne!(
            epyc(&EPYC.replace("0x1000065", "0x1000066")).fingerprint,
            base
        );
        assert_ne!(epyc(&EPYC.replace(" avx512f", "")).fingerprint, base);
        let other_kernel = Machine::describe(EPYC, 2, Vec::new(), "6.2.0".to_owned());
        assert_ne!(other_kernel.fingerprint, base);
    }

    #[test]
    fn this_machine_has_a_fingerprint() {
        let machine = Machine::capture();
        assert!(machine.logical_cores >= 1);
        assert!(!machine.fingerprint.is_empty());
        assert_eq!(machine, Machine::capture(), "capture is deterministic");
    }
}
