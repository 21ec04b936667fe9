//! Brian 2's `network_operation`: a script closure called on a clock inside a run, with
//! `t` if it takes an argument, and `stop()`. The core pauses its loop at the operation
//! (`Pause::Operation`) and `drive` runs the closure with the state free to read and
//! write, then resumes. This is the one place script code runs inside the loop: each
//! call costs about a microsecond plus the closure's own work, and a run without network
//! operations never pauses.

use super::super::convert::*;
use super::super::Shared;
use super::network::check_keys;
use crate::units::{Dimension, Quantity};
use rhai::{Dynamic, Engine, FnPtr, Map, NativeCallContext};

/// A network operation of the core (its index there).
#[derive(Clone, Debug)]
pub struct NetworkOperationHandle(pub usize);

/// The script side of a network operation: the closure and the context it was made in
/// (its functions), kept to call it later from the run.
#[allow(deprecated)]
#[derive(Clone)]
pub struct ScriptOperation {
    f: FnPtr,
    made_in: rhai::NativeCallContextStore,
    takes_t: bool,
}

impl ScriptOperation {
    /// Calls the closure at time `t` (seconds).
    #[allow(deprecated)]
    pub fn call(&self, engine: &Engine, t: f64) -> RResult<()> {
        let ctx = self.made_in.create_context(engine);
        let mut args: Vec<Dynamic> = Vec::new();
        if self.takes_t {
            args.push(Dynamic::from(Quantity::new(t, Dimension::TIME)));
        }
        self.f.call_raw(&ctx, None, args).map(|_| ())
    }
}

fn network_operation(
    ctx: &NativeCallContext,
    shared: &Shared,
    f: Dynamic,
    opts: Map,
) -> RResult<NetworkOperationHandle> {
    let Some(f) = f.clone().try_cast::<FnPtr>() else {
        return err(format!(
            "network_operation takes a function (a closure such as |t| {{ ... }}), not {}",
            describe(&f)
        ));
    };
    let mut keys = vec!["name"];
    keys.extend(super::schedule::SCHEDULING_KEYS);
    check_keys(&opts, &keys, "network_operation")?;
    // Brian 2 passes `t` to a function that takes one argument.
    let curried = f.curry().len();
    let has = |n: usize| {
        ctx.iter_namespaces()
            .any(|m| m.get_script_fn(f.fn_name(), n).is_some())
    };
    let takes_t = match (has(curried), has(curried + 1)) {
        (_, true) => true,
        (true, false) => false,
        (false, false) => {
            return err(format!(
                "network_operation: the function '{}' should take no argument or one (t)",
                f.fn_name()
            ))
        }
    };
    let name = opts.get("name").map(|n| to_string(n, "name")).transpose()?;
    let mut st = shared.borrow_mut();
    let k = st
        .net
        .add_network_operation(name.as_deref())
        .map_err(|e| e.to_string())?;
    let id = crate::network::ObjectId {
        kind: crate::network::Kind::NetworkOperation,
        index: k,
    };
    super::schedule::apply(&mut st, id, &opts, true)?;
    #[allow(deprecated)]
    st.network_operations.push(ScriptOperation {
        f,
        made_in: ctx.store_data(),
        takes_t,
    });
    Ok(NetworkOperationHandle(k))
}

pub fn register(engine: &mut Engine, shared: &Shared) {
    engine.register_type_with_name::<NetworkOperationHandle>("NetworkOperation");
    let s = shared.clone();
    engine.register_fn(
        "network_operation",
        move |ctx: NativeCallContext, f: Dynamic| network_operation(&ctx, &s, f, Map::new()),
    );
    let s = shared.clone();
    engine.register_fn(
        "network_operation",
        move |ctx: NativeCallContext, f: Dynamic, opts: Map| network_operation(&ctx, &s, f, opts),
    );
    let s = shared.clone();
    engine.register_get("name", move |o: &mut NetworkOperationHandle| -> String {
        s.borrow().net.network_operations[o.0].name.clone()
    });
    let s = shared.clone();
    engine.register_fn(
        "to_string",
        move |o: &mut NetworkOperationHandle| -> String {
            format!(
                "NetworkOperation '{}'",
                s.borrow().net.network_operations[o.0].name
            )
        },
    );
    // Brian 2's `stop()`: the current run ends at the end of this step. Outside a run it
    // does nothing (Brian 2 clears the flag when a run starts).
    let s = shared.clone();
    engine.register_fn("stop", move || {
        let mut st = s.borrow_mut();
        if st.running.is_some() {
            st.stop_requested = true;
        }
    });
}
