//! Brian 2's devices: `set_device("cpp_standalone", #{ ... })` and `device.build(#{ ... })`
//! are accepted so that scripts written for Brian 2's standalone mode run unchanged.
//! brian has no code generation or compile step: every `run()` simulates natively when it
//! is called, which gives what Brian 2's standalone build gives (the same operations in
//! the same order), and values are readable at once. A one-line note says so.

use super::super::convert::*;
use super::super::Shared;
use super::network::check_keys;
use rhai::{Engine, ImmutableString, Map};

/// The script's `device` (Brian 2's `brian2.device`).
#[derive(Clone, Copy)]
pub struct Device;

const DEVICES: [&str; 2] = ["runtime", "cpp_standalone"];
const SET_OPTIONS: [&str; 6] = [
    "directory",
    "build_on_run",
    "debug",
    "with_output",
    "clean",
    "compile",
];
const BUILD_OPTIONS: [&str; 8] = [
    "directory",
    "compile",
    "run",
    "debug",
    "clean",
    "with_output",
    "run_args",
    "additional_source_files",
];

fn note_once(shared: &Shared) {
    let mut st = shared.borrow_mut();
    if !st.device_noted {
        st.device_noted = true;
        if st.quiet {
            return;
        }
        super::super::say(
            "note: brian simulates natively, with no code generation or compile step: \
             set_device() and device.build() change nothing, and each run() runs when called",
        );
    }
}

fn set_device(shared: &Shared, name: &str, o: &Map) -> RResult<()> {
    if !DEVICES.contains(&name) {
        return err(format!(
            "set_device: unknown device '{name}' (Brian 2's are \"runtime\" and \"cpp_standalone\")"
        ));
    }
    check_keys(o, &SET_OPTIONS, "set_device")?;
    if name == "cpp_standalone" {
        note_once(shared);
    }
    Ok(())
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<Device>("Device");
    let s = shared.clone();
    engine.register_fn("set_device", move |name: ImmutableString| {
        set_device(&s, &name, &Map::new())
    });
    let s = shared.clone();
    engine.register_fn("set_device", move |name: ImmutableString, o: Map| {
        set_device(&s, &name, &o)
    });
    let s = shared.clone();
    engine.register_fn("build", move |_: &mut Device| -> RResult<()> {
        note_once(&s);
        Ok(())
    });
    let s = shared.clone();
    engine.register_fn("build", move |_: &mut Device, o: Map| -> RResult<()> {
        check_keys(&o, &BUILD_OPTIONS, "device.build")?;
        note_once(&s);
        Ok(())
    });
}
