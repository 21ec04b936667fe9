//! Object names: every object of a run must have its own (Brian 2 refuses a run whose
//! network holds two objects of one name; creating them is allowed, as two objects of one
//! name may take part in different networks).

use super::{Network, NetworkError};

impl Network {
    /// The names of all objects, taking part in the run or not (for choosing new ones).
    pub fn object_names(&self) -> Vec<&str> {
        self.named(|_, _| true)
    }

    /// Names of the objects of the coming run that more than one of them has.
    pub fn check_unique_names(&self) -> Result<(), NetworkError> {
        let act = &self.members;
        let names = self.named(|kind, k| match kind {
            0 => act.group(k),
            1 => act.connection(k),
            2 => act.synapse(k),
            3 => act.spike_monitor(k),
            4 => act.state_monitor(k),
            5 => act.rate_monitor(k),
            6 => act.poisson_input(k),
            _ => act.network_operation(k),
        });
        let mut seen = std::collections::HashSet::new();
        let mut twice: Vec<&str> = Vec::new();
        for n in names {
            if !seen.insert(n) && !twice.contains(&n) {
                twice.push(n);
            }
        }
        if twice.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = twice.iter().map(|n| format!("'{n}'")).collect();
        Err(NetworkError::Other(format!(
            "all objects of a run need unique names; used more than once: {}",
            list.join(", ")
        )))
    }

    /// Names of the objects for which `keep(kind, index)` holds (kinds in field order).
    fn named(&self, keep: impl Fn(usize, usize) -> bool) -> Vec<&str> {
        let kinds: [Vec<&str>; 8] = [
            self.groups.iter().map(|g| g.name()).collect(),
            self.connections.iter().map(|c| c.name.as_str()).collect(),
            self.synapses.iter().map(|s| s.spec.name.as_str()).collect(),
            self.spike_monitors
                .iter()
                .map(|m| m.name.as_str())
                .collect(),
            self.state_monitors
                .iter()
                .map(|m| m.name.as_str())
                .collect(),
            self.rate_monitors.iter().map(|m| m.name.as_str()).collect(),
            self.poisson_inputs
                .iter()
                .map(|p| p.name.as_str())
                .collect(),
            self.network_operations
                .iter()
                .map(|o| o.name.as_str())
                .collect(),
        ];
        let mut out = Vec::new();
        for (kind, names) in kinds.into_iter().enumerate() {
            for (k, n) in names.into_iter().enumerate() {
                if keep(kind, k) {
                    out.push(n);
                }
            }
        }
        out
    }
}
